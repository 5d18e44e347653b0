#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
var n={ok:0,gateFailed:1,usage:2,runtime:3,pending:4};function s(e){return`${e.file}:${e.line}:${e.col} ${e.message}`}var r=class extends Error{code;exitCode;problems;constructor(o,i,t={}){super(i,{cause:t.cause}),this.name="TunegateError",this.code=o,this.exitCode=t.exitCode??n.usage,this.problems=t.problems??[]}};function a(e){let o=e.length===1?"1 problem":`${e.length} problems`;return new r("config",`${o} found; fix them and run again:
${e.map(s).join(`
`)}`,{exitCode:n.usage,problems:e})}export{n as a,s as b,r as c,a as d};
