/** Ceiling for BAPI reads: node:http hello world, same process count as Gatehouse. */
import { serveCluster } from './cluster.mjs';

serveCluster(() => (req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 });
  res.end('hello world');
});
