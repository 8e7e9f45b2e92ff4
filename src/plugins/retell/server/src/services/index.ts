import agents from './agents';
import inbox from './inbox';
import events from './events';
import functions from './functions';

export default { agents, inbox, events, functions };
