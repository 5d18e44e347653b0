#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
function g(n,e=200){return t(i(n,e).replace(/\r?\n|\r/g," \u23CE ")).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/([\\`*_[\]|~#!])/g,"\\$1").replace(/@/g,"@\u200B")}function s(n,e=200){return`\`${t(i(n,e)).replace(/[`|\n]/g,"")}\``}function i(n,e){return n.length>e?`${n.slice(0,e-1)}\u2026`:n}var o=/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;function t(n,e={}){let r=n.replace(o,"");return e.singleLine?r.replace(/\n/g," \u23CE "):r}function p(n,e={}){return t(n,e).split(`
`).map(r=>r.replace(/^(\s*):(?=:)/u,"$1:\u200B").replaceAll("##[","##\u200B[")).join(`
`)}var u=n=>p(n,{singleLine:!0});function c(n){if(!URL.canParse(n))return;let e=new URL(n);if(!(e.protocol!=="https:"&&e.protocol!=="http:"))return e.href.replace(/[()<>\s\\]/g,r=>`%${r.charCodeAt(0).toString(16).toUpperCase().padStart(2,"0")}`)}export{g as a,s as b,t as c,p as d,u as e,c as f};
