import { runRoles } from './boot';

runRoles(['api']);
