import { commonConfig, env, type ConfigOf, type ConfigSpec } from '@rag/platform';

/**
 * Keys the launcher reads (docs/configuration.md). Everything else in the environment is passed
 * through to the children unchanged, so DATABASE_URL, LOG_LEVEL, JWT_SECRET, ... work as usual.
 */
export const launcherConfig = {
  NATS_URL: env.optional('When set, the launcher uses this NATS server and starts none; unset = it starts nats-server with JetStream on LAUNCHER_NATS_PORT'),
  NATS_TOKEN: commonConfig.NATS_TOKEN,
  NATS_USER: commonConfig.NATS_USER,
  NATS_PASSWORD: commonConfig.NATS_PASSWORD,
  NATS_TLS_CA: commonConfig.NATS_TLS_CA,
  LAUNCHER_NATS_AUTH: env.bool(true, 'Whether the launcher\'s nats-server requires a user per process with the permissions of shared/contracts/src/bus-permissions.ts (passwords and server config generated in DATA_DIR/nats-auth, mode 0600); false = an open server on loopback'),
  LAUNCHER_NATS_TLS_CERT: env.optional('PEM certificate of the launcher\'s nats-server; with LAUNCHER_NATS_TLS_KEY it serves TLS only (tls:// URL) and the children need NATS_TLS_CA when the certificate is not publicly trusted'),
  LAUNCHER_NATS_TLS_KEY: env.optional('PEM private key of LAUNCHER_NATS_TLS_CERT'),
  LAUNCHER_NATS_HOST: env.string('127.0.0.1', 'Interface the launcher\'s nats-server binds'),
  LAUNCHER_NATS_PORT: env.int(4250, 'Port of the launcher\'s nats-server (not 4222, so it never collides with a system NATS)', 1, 65535),
  NATS_SERVER_BIN: env.string('nats-server', 'nats-server executable: a name looked up on PATH (and /usr/sbin, /usr/local/sbin) or a path'),
  DATA_DIR: env.string('./.data', 'Folder for the embedded defaults; the launcher passes its absolute path to every child and keeps the JetStream store in DATA_DIR/nats'),
  HOST: env.string('127.0.0.1', 'Interface the gateway binds when started by the launcher (the gateway alone defaults to 0.0.0.0)'),
  PORT: env.int(9380, 'HTTP port of the gateway started by the launcher', 1, 65535),
  LAUNCHER_PROBE_PORT_BASE: env.int(0, 'When set, service number i (0-based, gateway excluded) gets PROBE_PORT = base + i; 0 = probe listeners off', 0, 65535),
  LAUNCHER_READY_TIMEOUT_MS: env.int(60000, 'How long the launcher waits for nats-server and each service to be ready, in ms', 1000, 600000),
  LAUNCHER_RESTART_MAX: env.int(5, 'A service that dies on its own is restarted; past this many restarts of one service within LAUNCHER_RESTART_WINDOW_MS the launcher stops everything and exits 1 (0 = never restart)', 0, 1000),
  LAUNCHER_RESTART_WINDOW_MS: env.int(60000, 'The window LAUNCHER_RESTART_MAX counts restarts in, in ms', 1000, 86400000),
  LAUNCHER_RESTART_BACKOFF_MS: env.int(1000, 'Delay before the first restart of a crashed service, doubled for each further crash inside the window (at most 30 s), in ms', 0, 600000),
  LAUNCHER_STOP_TIMEOUT_MS: env.int(15000, 'How long the launcher waits for a child to exit after SIGTERM before it sends SIGKILL, in ms', 100, 600000),
} satisfies ConfigSpec;

export type LauncherConfig = ConfigOf<typeof launcherConfig>;
