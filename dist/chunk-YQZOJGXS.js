#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
var c=["use","refresh","off"];function o(e){return e.cacheDir===void 0?"off":e.cacheMode??"use"}export{c as a,o as b};
