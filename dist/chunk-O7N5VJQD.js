#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
function p(e,n=200){return t(i(e,n).replace(/\r?\n|\r/g," \u23CE ")).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/([\\`*_[\]|~#!])/g,"\\$1").replace(/@/g,"@\u200B")}function u(e,n=200){return`\`${t(i(e,n)).replace(/[`|\n]/g,"")}\``}function i(e,n){return e.length>n?`${e.slice(0,n-1)}\u2026`:e}var o=/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;function t(e,n={}){let r=e.replace(o,"");return n.singleLine?r.replace(/\n/g," \u23CE "):r}function c(e,n={}){return t(e,n).split(`
`).map(r=>r.replace(/^(\s*):(?=:)/u,"$1:\u200B").replaceAll("##[","##\u200B[")).join(`
`)}function g(e){if(!URL.canParse(e))return;let n=new URL(e);if(!(n.protocol!=="https:"&&n.protocol!=="http:"))return n.href.replace(/[()<>\s\\]/g,r=>`%${r.charCodeAt(0).toString(16).toUpperCase().padStart(2,"0")}`)}export{p as a,u as b,t as c,c as d,g as e};
