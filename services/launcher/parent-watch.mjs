// Preloaded into every service the launcher starts (`node --import`). The launcher holds the other
// end of the child's stdin; when that end closes because the launcher is gone (even by SIGKILL),
// the service stops as if sent SIGTERM instead of running on as an orphan. Plain JS, so it loads
// the same whether the launcher runs from dist/ or from src/ under tsx.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => undefined);
process.stdin.resume();
process.stdin.unref();
