import { startGateway } from './gateway.js';

startGateway()
  .then((gw) => {
    const shutdown = (signal: string) => {
      process.stderr.write(`gateway: ${signal}, stopping\n`);
      gw.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  })
  .catch((err: Error) => {
    process.stderr.write(`gateway: failed to start: ${err.name === 'ConfigError' ? err.message : err.stack ?? err.message}\n`);
    process.exit(1);
  });
