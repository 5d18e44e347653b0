#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as p}from"./chunk-OXZJYC4J.js";import{a as u}from"./chunk-NBV5Y7JN.js";import"./chunk-JKJ2SJS4.js";import{b as d,d as c,e as f,f as a}from"./chunk-EKRXWDS2.js";import{sa as l,w}from"./chunk-FHXLTT63.js";import"./chunk-YSO7ZYGY.js";import"./chunk-6G53KGRA.js";import"./chunk-5R6FFHD7.js";import"./chunk-C4I7ZTJ3.js";import"./chunk-4BPT5DG6.js";import"./chunk-USYZIYJQ.js";import{a as s}from"./chunk-DMWY3WCE.js";import"./chunk-AKZSV7EH.js";import"./chunk-IPII3SRE.js";import"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{writeFile as R}from"node:fs/promises";import{join as g,resolve as m}from"node:path";async function L(e,r){let i=e.reference?await a(m(r.cwd,e.reference)):void 0,o=m(r.cwd,e.out),t=await p({outDir:o,dirs:e.dirs.map(C=>m(r.cwd,C)),cwd:r.cwd,env:r.env,version:s,...i?{reference:i}:{}});e.markdown&&await R(m(r.cwd,e.markdown),l(t)),e.junit&&await f(m(r.cwd,e.junit),t,o),r.stdout.write(`${u(t)}
`),r.stdout.write(`results: ${g(o,w)}${t.summary.incomplete?" (incomplete)":""}
`);let n=c(t,d);return n.runtime&&r.stderr.write(`error: ${n.runtime}; see cases.jsonl for the errors
`),n.exitCode}export{L as mergeCommand};
