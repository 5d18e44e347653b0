#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
function s(e){return{length:e.length,[Symbol.iterator]:()=>e[Symbol.iterator]()}}function a(e){for(let t of e)return t}function i(e){let t=[];for(let o of e)t.push(o.id);return t}function f(e,t){let o=0;for(let r of e)t(r)&&(o+=1);return{length:o,*[Symbol.iterator](){let r=0;for(let n of e)t(n)&&(yield n.index===r?n:{...n,index:r},r+=1)}}}export{s as a,a as b,i as c,f as d};
