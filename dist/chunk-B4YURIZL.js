#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as m}from"./chunk-24LROJNN.js";import{v as l}from"./chunk-5R6FFHD7.js";import"./chunk-C4I7ZTJ3.js";import"./chunk-4BPT5DG6.js";import"./chunk-USYZIYJQ.js";import{c as f}from"./chunk-AKZSV7EH.js";import"./chunk-IPII3SRE.js";import{a as o,b as a}from"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{resolve as w}from"node:path";async function y(n,r){let t=await l(n.suites,{cwd:r.cwd,env:r.env,requireApiKeys:!n.simulate,missingApiKey:"warning"}),c=await m(t.suites.map(({suite:e})=>e),{now:r.now?.()??new Date,env:r.env,cacheDir:w(r.cwd,n.cacheDir),cacheMode:n.cacheMode,ask:e=>!n.simulate&&e.api_key_env!==void 0&&!!r.env[e.api_key_env]}),u=[...t.warnings,...c.warnings],s=[...t.problems,...c.problems];for(let e of u)r.stderr.write(`warning: ${f(a(e))}
`);if(s.length>0){for(let i of s)r.stderr.write(`${a(i)}
`);let e=s.length;return r.stderr.write(`${e} problem${e===1?"":"s"} found; no model was called.
`),o.usage}for(let{suite:e,cases:i}of t.suites)r.stdout.write(`ok ${e.file}: ${e.name}, ${i.length} cases, ${e.variants.length} variants
`);return o.ok}export{y as validateCommand};
