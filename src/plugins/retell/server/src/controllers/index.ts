import webhook from './webhook';
import functions from './functions';
import inboxAdmin from './inbox-admin';

export default { webhook, functions, 'inbox-admin': inboxAdmin };
