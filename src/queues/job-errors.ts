// BullMQ's UnrecoverableError: a processor throws it for a job no retry can help (the job fails at
// once). The one runtime import of bullmq outside src/main (`npm run lint`, rule
// only-main-builds-queues-and-workers), so that the roles can throw it without being able to build
// queues or workers themselves.
export { UnrecoverableError } from 'bullmq';
