import json, subprocess, glob, os, sys
T="/work/wt/p23-hunt/artifacts/bin/PolicyTool/debug/Cds.PolicyTool.dll"
names=sys.argv[1:] or sorted(os.listdir('/tmp/hunt/cases'))
rows=[]
for n in names:
    d=f'/tmp/hunt/cases/{n}'; e=json.load(open(f'/tmp/hunt/expect-{n}.json'))
    p=subprocess.run(['dotnet',T,'decide','--policy','/work/wt/p23-hunt/src/FhirMapping/Policies/dli-45.03.json','--bundle',f'{d}/bundle.json','--order',f'{d}/order.json','--today','2026-11-24','--json'],capture_output=True,text=True)
    try: j=json.loads(p.stdout)
    except Exception: print(n,'ERR',p.stdout[:300],p.stderr[:300]); continue
    if not j['decisions']: print(n, 'no decisions', j.get('rejected')); continue
    dec=j['decisions'][0]; st={c['id']:c['status'] for c in dec['criteria']}; st['outcome']=dec['outcome']
    rev={c['id']:c['review'] for c in dec['criteria'] if c['review']}
    ok=True
    for k,v in e['expect'].items():
        got=st.get(k)
        if v.startswith('!'): ok &= got!=v[1:]
        else: ok &= got in v.split('|')
    summ={c['id']:c['summary'] for c in dec['criteria'] if c['id'] in e['expect']}
    print(('OK  ' if ok else 'BAD ')+n, '| expect',e['expect'],'| got',dec['outcome'],{k:st.get(k) for k in ['HCT','I.A','I.B','I.C','III','IV']}, '' if ok else '\n     '+json.dumps(summ)+' '+json.dumps(rev)[:600])
