import readAuth from './read-auth';

export default { 'read-auth': readAuth };
