import nodeModule from 'node:module';

// The CLI entry stays tiny: it turns on Node's on-disk compile cache (Node ≥ 22.1; older ones lack the
// function) before anything else is loaded, so that every later chunk is read from the cache instead of
// being compiled again on each start. The cache lives in the OS temp dir; NODE_DISABLE_COMPILE_CACHE=1
// turns it off.
nodeModule.enableCompileCache?.();

await import('./start.js');
