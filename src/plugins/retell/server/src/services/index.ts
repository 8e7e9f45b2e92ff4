import agents from './agents';
import inbox from './inbox';
import events from './events';
import callEvents from './call-events';
import functions from './functions';
import webhook from './webhook';
import inbound from './inbound';

export default { agents, inbox, events, 'call-events': callEvents, functions, webhook, inbound };
