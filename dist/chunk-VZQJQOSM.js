#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as u}from"./chunk-5YFZFHCB.js";import{b as p}from"./chunk-SCR3KLRB.js";import{k as c}from"./chunk-YSO7ZYGY.js";import"./chunk-DBXRKQY5.js";import{c as n}from"./chunk-AKZSV7EH.js";import{a as s,b as d,c as f}from"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{mkdir as C,readFile as E,writeFile as $}from"node:fs/promises";import{dirname as b,resolve as l}from"node:path";async function F(t,e){let w=l(e.cwd,t.history),m;try{m=await E(w,"utf8")}catch(r){let o=r.code==="ENOENT"?"not found":r.message;throw new f("history-missing",`cannot read the history ${t.history}: ${o}`,{exitCode:s.usage})}let{runs:i,problems:h}=p(m,t.history);for(let r of h.filter(o=>o.code!=="history-ids"))e.stderr.write(`warning: ${n(d(r))}
`);let g=new Set(i.map(r=>r.suite)).size,y=[[t.html,()=>u(i)],[t.markdown,()=>c(i)]];for(let[r,o]of y){if(!r)continue;let a=l(e.cwd,r);await C(b(a),{recursive:!0}),await $(a,o()),e.stdout.write(`wrote ${n(r)}: ${i.length} runs of ${g} suites
`)}return s.ok}export{F as reportCommand};
