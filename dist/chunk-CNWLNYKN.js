#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
function d(e){let s=e.elapsed_ms>0?e.done/e.elapsed_ms*1e3:0;return[`${e.done}/${e.total} calls`,`${e.errors} errors`,`${e.cached} cached`,`$${e.spent_usd.toFixed(4)}`,`${s.toFixed(0)}/s`]}function i(e){return d(e).join(" \xB7 ")}function l(e,s){let r=Number.NEGATIVE_INFINITY,n=-1;return t=>{t.elapsed_ms<r&&(r=Number.NEGATIVE_INFINITY,n=-1);let o=t.done===t.total&&t.done!==n;t.elapsed_ms-r<s&&!o||(r=t.elapsed_ms,n=t.done,e(`progress: ${i(t)}`))}}export{d as a,l as b};
