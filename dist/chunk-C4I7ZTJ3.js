#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
function a(e){return{length:e.length,[Symbol.iterator]:()=>e[Symbol.iterator]()}}function i(e){for(let t of e)return t}function f(e){let t=[];for(let s of e)t.push(s.id);return t}function l(e,t){let s=0;for(let n of e)t(n)&&(s+=1);return{length:s,*[Symbol.iterator](){let n=0;for(let r of e)t(r)&&(yield r.index===n?r:{...r,index:n},n+=1)}}}function u(e,t,s=e.length){if(Array.isArray(e))return e.slice(t,s);let n=Math.min(s,e.length);return{length:Math.max(0,n-t),*[Symbol.iterator](){let r=0;for(let o of e){if(r>=n)return;r>=t&&(yield o),r+=1}}}}export{a,i as b,f as c,l as d,u as e};
