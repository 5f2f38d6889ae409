/**
 * Writes the NATS users of a Kubernetes deployment as two Secrets (YAML on stdout), from the same
 * permissions map `make up` uses (shared/contracts/src/bus-permissions.ts):
 *
 *   node services/launcher/dist/gen-nats-auth.js > nats-auth.yaml      # or: npx tsx services/launcher/src/gen-nats-auth.ts
 *   kubectl -n ragflow apply -f nats-auth.yaml
 *
 * - `rag-nats-server`, key `auth.conf`: the accounts block (a user per process with its permissions,
 *   and, with --tls-cert/--tls-key, the TLS block) that nats.yaml adds to nats-server with `-c`.
 * - `rag-nats-users`: one key per user holding its password; each Deployment reads its own as
 *   NATS_PASSWORD (NATS_USER is the Deployment's name).
 *
 * Every run makes new random passwords: apply both Secrets together and restart nats and the services.
 */
import { natsAuthSecrets } from './nats-auth.js';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write('usage: gen-nats-auth [--tls-cert /path/in/nats/pod/tls.crt --tls-key /path/in/nats/pod/tls.key] > nats-auth.yaml\n');
} else {
  const certFile = option(args, '--tls-cert');
  const keyFile = option(args, '--tls-key');
  if (!!certFile !== !!keyFile) {
    process.stderr.write('gen-nats-auth: --tls-cert and --tls-key go together\n');
    process.exit(64);
  }
  process.stdout.write(natsAuthSecrets({ tls: certFile && keyFile ? { certFile, keyFile } : undefined }));
}
