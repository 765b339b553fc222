export * from './core/alarm-options';
export * from './core/alarm-notifications';
export * from './function/function-alarm-options';
export * from './function/observed-function';
export * from './queue/queue-alarm-options';
export * from './queue/observed-queue';
export * from './queue/queue-consumer-options';
