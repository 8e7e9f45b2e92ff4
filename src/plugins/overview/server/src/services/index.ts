import figures from './figures';
import cache from './cache';
import exporter from './export';
import scope from './scope';

export default { figures, cache, export: exporter, scope };
