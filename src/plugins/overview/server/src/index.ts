import bootstrap from './bootstrap';
import controllers from './controllers';
import destroy from './destroy';
import middlewares from './middlewares';
import register from './register';
import routes from './routes';
import services from './services';

export default { register, bootstrap, destroy, controllers, middlewares, routes, services };
