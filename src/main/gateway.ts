import { runRoles } from './boot';

runRoles(['gateway']);
