/**
 * The public verification page: self-contained HTML (inline CSS and JS, no external assets).
 * /verify lets anyone paste or upload a credential; /verify/{id} embeds a stored credential's report.
 * The same client-side renderer draws both, in Chinese and English side by side.
 */
import type { VerificationReport } from './check-results.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
main{max-width:880px;margin:0 auto;padding:24px}h1{font-size:1.5rem;margin:0 0 4px}p.sub{color:#5a6675;margin:0 0 20px}
textarea{width:100%;min-height:160px;font-family:ui-monospace,monospace;font-size:13px;box-sizing:border-box;padding:8px}
.card{background:#fff;border-radius:10px;padding:18px 22px;margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
button{background:#1f5fbf;color:#fff;border:0;border-radius:6px;padding:10px 18px;font-size:1rem;cursor:pointer}
.verdict{font-size:1.3rem;font-weight:600;padding:12px 16px;border-radius:8px}.ok{background:#e3f5e8;color:#146c2e}.bad{background:#fde8e8;color:#a11d1d}
dl{display:grid;grid-template-columns:180px 1fr;gap:6px 12px;margin:0}dt{color:#5a6675}dd{margin:0;word-break:break-all}
table{width:100%;border-collapse:collapse}td{padding:6px 8px;border-top:1px solid #e5e8ec;vertical-align:top}
.pass{color:#146c2e}.fail{color:#a11d1d}.skip{color:#8a6d00}.row{display:flex;gap:12px;align-items:center;margin-top:10px}`;

// Runs in the browser; kept free of template literals that would clash with the server template.
const SCRIPT = String.raw`
var L={proof:['签名','Signature'],issuer:['签发机构可信','Issuer known to the bank'],status:['撤销/暂停状态','Revocation / suspension'],
validity:['有效期','Validity period'],shape:['开放徽章格式','Open Badges / CLR shape'],vcdm:['W3C 数据模型','W3C data model'],ledger:['账本记录','Ledger record']};
var S={pass:['通过','passed'],fail:['未通过','failed'],skip:['未检查','not checked']};
function t(s){return String(s==null?'':s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';'})}
function row(k,v){return v==null||v===''?'':'<dt>'+k+'</dt><dd>'+t(v)+'</dd>'}
function render(r){
  var s=r.summary||{},i=s.issuer||{},a=s.achievement||{},sub=s.subject||{};
  var h='<div class="verdict '+(r.verified?'ok':'bad')+'">'+(r.verified?'✔ 有效 Valid now':'✘ 无效 Not valid'+(r.reason?' — '+t(r.reason):''))+'</div>';
  h+='<dl style="margin-top:14px">'+row('签发机构 Issuer',(i.name||'')+' '+(i.id||''))+row('证书 Credential',s.name||a.name)
   +row('成就类型 Achievement type',a.type)+row('学分 Credits',s.creditsEarned!=null?s.creditsEarned:a.creditsAvailable)+row('成绩 Result',s.result)+row('完成日期 Completed',s.activityEndDate?String(s.activityEndDate).slice(0,10):'')
   +row('持有人 Holder',sub.id||(sub.hashedIdentifier?'身份哈希（不公开身份证号）Hashed identity (no ID number shown)':''))
   +row('生效 Valid from',s.validFrom)+row('失效 Valid until',s.validUntil)+row('证明格式 Proof format',s.format)+row('编号 Id',s.id)+'</dl>';
  h+='<table style="margin-top:14px">';
  (r.results||[]).forEach(function(c){var l=L[c.check]||[c.check,c.check],st=S[c.status]||[c.status,c.status];
    h+='<tr><td>'+l[0]+'<br><small>'+l[1]+'</small></td><td class="'+c.status+'">'+st[0]+' '+st[1]+'</td><td>'+t(c.message)+(c.code?' <code>'+t(c.code)+'</code>':'')+'</td></tr>'});
  return h+'</table>';
}
function show(r){var o=document.getElementById('out');o.className='card';o.innerHTML=render(r)}
async function verify(text){
  var v=text.trim(),body;try{body={verifiableCredential:v.charAt(0)==='{'?JSON.parse(v):v}}catch(e){show({verified:false,reason:'invalid JSON',results:[]});return}
  var res=await fetch('/credentials/verify',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});
  var r=await res.json();show(r.results?r:{verified:false,reason:r.code||r.title,results:[],summary:{}});
}
var pre=document.getElementById('report');if(pre)show(JSON.parse(pre.textContent));
var f=document.getElementById('f');if(f){f.addEventListener('submit',function(e){e.preventDefault();verify(document.getElementById('vc').value)});
document.getElementById('file').addEventListener('change',function(e){var x=e.target.files[0];if(x)x.text().then(function(s){document.getElementById('vc').value=s;verify(s)})})}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main><script>${SCRIPT}</script></body></html>`;
}

const HEADER = '<h1>证书验证 · Verify a credential</h1><p class="sub">学分银行可验证凭证（开放徽章 3.0 / CLR 2.0 / W3C VC）。无需账号，离线核验。 Verifiable credentials of the credit bank, checked offline with no account.</p>';

export function verifyFormPage(): string {
  return page('证书验证 Verify a credential', `${HEADER}<form id="f" class="card"><label for="vc">粘贴凭证（JSON 或 JWT） Paste a credential (JSON or JWT)</label>
<textarea id="vc" name="vc" spellcheck="false"></textarea><div class="row"><button type="submit">验证 Verify</button>
<label>或上传文件 or upload a file <input id="file" type="file" accept=".json,.jwt,.txt,application/json"></label></div></form><div id="out"></div>`);
}

export function storedReportPage(id: string, report: VerificationReport): string {
  const { credential: _c, ...shown } = report;
  const json = JSON.stringify(shown).replace(/</g, '\\u003c');
  return page(`证书验证 ${id}`, `${HEADER}<div id="out" class="card"></div><script type="application/json" id="report">${json}</script>
<p class="sub">凭证编号 Credential id: urn:uuid:${esc(id)} · <a href="/credentials/${esc(id)}/qr.svg">二维码 QR code</a> · <a href="/verify">验证其他凭证 Verify another</a></p>`);
}
