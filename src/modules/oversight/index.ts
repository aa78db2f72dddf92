// The oversight module's face: the leaders' dashboard — the provincial order's tasks as dated data, their figures.
export { queueWeeklyDigest, registerOversightDigest } from './digest.ts';
export * from './oversight.input.ts';
export { registerOversightRoutes } from './oversight.routes.ts';
export { orderTaskProgress, orderTasks } from './oversight.schema.ts';
export {
  addProgress,
  deleteTask,
  oversightBoard,
  plainOversightBoard,
  plainTaskFigures,
  saveTask,
  type TaskFigure,
  type TaskState,
  taskFigures,
  taskState,
} from './oversight.service.ts';
