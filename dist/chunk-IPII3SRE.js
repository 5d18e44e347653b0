#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{access as t,readFile as n,stat as i}from"node:fs/promises";async function o(e){return t(e).then(()=>!0,()=>!1)}async function a(e){return i(e).then(r=>r.isFile(),()=>!1)}async function c(e){try{return await n(e,"utf8")}catch(r){if(r.code==="ENOENT")return;throw r}}export{o as a,a as b,c};
