export { EVENT_JOBS } from './webhook-event';
