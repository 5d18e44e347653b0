#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{access as t,readFile as n}from"node:fs/promises";async function o(r){return t(r).then(()=>!0,()=>!1)}async function s(r){try{return await n(r,"utf8")}catch(e){if(e.code==="ENOENT")return;throw e}}export{o as a,s as b};
