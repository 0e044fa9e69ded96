// Runs autocannon over a list of GET paths (its command line takes one URL) and prints the result
// as JSON, like `autocannon --json`. Argument: JSON { url, seconds, connections, headers, paths }.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: opts.url, duration: opts.seconds, connections: opts.connections, headers: opts.headers,
  requests: opts.paths.map((path) => ({ method: 'GET', path })),
});
process.stdout.write(JSON.stringify(result));
