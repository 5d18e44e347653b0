#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as A}from"./chunk-NBV5Y7JN.js";import"./chunk-JKJ2SJS4.js";import{a as M,b as I}from"./chunk-CNWLNYKN.js";import{b as h,c as y,d as b,e as R,f as S}from"./chunk-EKRXWDS2.js";import{a as w,d as P,l as C,n as _}from"./chunk-GO6DG7BA.js";import{ca as T,sa as E,w as $}from"./chunk-FHXLTT63.js";import"./chunk-SCR3KLRB.js";import"./chunk-YSO7ZYGY.js";import"./chunk-YQZOJGXS.js";import"./chunk-6G53KGRA.js";import"./chunk-DBXRKQY5.js";import"./chunk-V4OYRBRW.js";import"./chunk-24LROJNN.js";import{v}from"./chunk-5R6FFHD7.js";import"./chunk-C4I7ZTJ3.js";import"./chunk-4NOP4FAK.js";import"./chunk-4BPT5DG6.js";import"./chunk-USYZIYJQ.js";import{a as g}from"./chunk-DMWY3WCE.js";import{c as u}from"./chunk-AKZSV7EH.js";import"./chunk-IPII3SRE.js";import{a as f,b as l}from"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{writeFile as U}from"node:fs/promises";import{join as W,resolve as c}from"node:path";function O(e){let r=e.trapInterrupts?.();if(!r)return{options:{},release:()=>{}};let t=new AbortController,s,o=()=>{e.stderr.write(`
Interrupted: no new calls; calls in flight get ${2e3/1e3} s to finish, then the results are written marked incomplete. Interrupt again to stop at once.
`),s=setTimeout(()=>t.abort(),3e3)},i=()=>t.abort();return r.stop.addEventListener("abort",o,{once:!0}),r.abort.addEventListener("abort",i,{once:!0}),{options:{stopSignal:r.stop,signal:t.signal,stopGraceMs:2e3},release(){clearTimeout(s),r.stop.removeEventListener("abort",o),r.abort.removeEventListener("abort",i),r.release()}}}var D=5e3,H=24,k=8,F=80;function G(e,r){let t=e.total===0?r:Math.round(e.done/e.total*r);return`[${"\u2588".repeat(t)}${"\u2591".repeat(r-t)}]`}function N(e,r){let t=Math.max(1,r-1),s=M(e);for(let o=s.length;o>=1;o--){let i=s.slice(0,o).join(" \xB7 "),m=Math.min(H,t-i.length-3);if(m>=k)return`${G(e,m)} ${i}`}return s[0].slice(0,t)}function L(e){let r=I(s=>e.write(`${s}
`),D),t=!1;return{update(s){e.isTTY?(e.write(`\r${N(s,e.columns||F)}\x1B[K`),t=!0):r(s)},finish(){t&&e.write(`
`)}}}async function fe(e,r){let t=await v(e.suites,{cwd:r.cwd,env:r.env,requireApiKeys:!e.simulate});for(let n of t.warnings)r.stderr.write(`warning: ${l(n)}
`);if(t.problems.length>0){for(let n of t.problems)r.stderr.write(`${l(n)}
`);return r.stderr.write(`${t.problems.length} problem(s) found; nothing was run and no model was called.
`),f.usage}let s=e.reference?await S(c(r.cwd,e.reference)):void 0,o=e.history&&{path:c(r.cwd,e.history.path),accept:e.history.accept,keep:e.history.keep,event:"cli",commit:await P(r.cwd,r.env)},i=L(r.stderr),m=c(r.cwd,e.out),p=O(r),a;try{a=await _(t.suites,{outDir:m,version:g,env:r.env,cacheDir:c(r.cwd,e.cacheDir),cacheMode:e.cacheMode,maxCostUsd:e.maxCostUsd,concurrency:e.concurrency,onProgress:e.quiet?void 0:i.update,reference:s,fragility:e.fragility,sequential:{all:e.sequential,onWarning:n=>r.stderr.write(`warning: ${u(n)}
`)},...e.shard?{shard:{spec:e.shard,cwd:r.cwd}}:{},...e.batch?{batch:{mode:e.batch,onProgress:n=>r.stderr.write(`${n}
`)}}:{},...o?{history:o}:{},lifecycle:{now:r.now?.()??new Date,onWarning:n=>r.stderr.write(`warning: ${u(l(n))}
`)},simulate:e.simulate?{configPath:e.simConfig&&c(r.cwd,e.simConfig)}:void 0,onSimulator:n=>r.stderr.write(`simulator: serving ${t.suites.length} suite(s) at ${n}
`),onRewordingsWritten:(n,j)=>r.stderr.write(`fragility: the teacher wrote ${j} rewordings of the system prompt to ${n}; review them
`),...p.options})}catch(n){if(!(n instanceof w))throw n;return r.stderr.write(`${B(n,e.suites)}
`),f.pending}finally{p.release(),i.finish()}let x=W(m,$);for(let n of T(a.history))r.stderr.write(`warning: ${n}
`);if(e.markdown){let n=o?{history:(await C(o.path)).runs}:{};await U(c(r.cwd,e.markdown),E(a,n))}e.junit&&await R(c(r.cwd,e.junit),a,m),r.stdout.write(`${A(a)}
`),r.stdout.write(`results: ${x}${a.summary.incomplete?" (incomplete)":""}
`);let d=b(a,e.shard?y:h);return d.runtime&&r.stderr.write(`error: ${d.runtime}; see cases.jsonl for the errors
`),d.exitCode}function B(e,r){let t=`tunegate run ${r.join(" ")} --batch`;return`pending: ${u(e.message)}
Nothing was reported yet. Collect with the same options: \`${t}\` (exits 4 again while batches run), or wait for them: \`${t} wait\`.`}export{fe as runCommand};
