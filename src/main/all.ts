import { runRoles } from './boot';

// Every role in one process: the simplest production shape for one box.
runRoles(['gateway', 'worker', 'api']);
