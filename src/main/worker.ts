import { runRoles } from './boot';

runRoles(['worker']);
