'use strict';
/** Removes every Redis key under a prefix (what a bench or test run leaves behind). */
const Redis = require('ioredis');

const deleteKeys = async (url, prefix) => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
};

module.exports = { deleteKeys };
