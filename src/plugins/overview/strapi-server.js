'use strict';

// The app's TypeScript build (tsc / `strapi build`) compiles this plugin into dist/.
module.exports = require('../../../dist/src/plugins/overview/server/src').default;
