#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as l}from"./chunk-4NOP4FAK.js";import{H as m,T as n}from"./chunk-4BPT5DG6.js";import"./chunk-USYZIYJQ.js";import"./chunk-IPII3SRE.js";import{a as i,c as s}from"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{resolve as d}from"node:path";async function C(t,e){if(!t.dataset)throw new s("usage",'tunegate sim needs --dataset FILE (JSONL of {"input","expected"} lines)');let r=await m(d(e.cwd,t.dataset)),u=t.config?await l(d(e.cwd,t.config)):{models:{},default_model:{accuracy:1}},a=await n({...u,cases:r},{port:t.port});e.stdout.write(`tunegate simulator (not a real model) serving ${r.length} cases at ${a.url}
`);let o=e.trapInterrupts?.();try{await new Promise(c=>o?.stop.addEventListener("abort",()=>c(),{once:!0}))}finally{o?.release()}return await a.close(),i.ok}export{C as simCommand};
