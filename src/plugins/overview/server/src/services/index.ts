import figures from './figures';
import cache from './cache';
import exporter from './export';
import scope from './scope';
import calendar from './calendar';

export default { figures, cache, export: exporter, scope, calendar };
