"""Replay: keep the answers of run A (k = 3); where A abstains, take run B's answer (k = 6) when its
confidence is at least T. python adaptive.py A/predictions.jsonl B/predictions.jsonl T..."""
import json,sys
a={json.loads(l)['id']:json.loads(l) for l in open(sys.argv[1])}
b={json.loads(l)['id']:json.loads(l) for l in open(sys.argv[2])}
ts=[float(x) for x in sys.argv[3:]] or [0]
base=sum(p['f1'] for p in a.values())/len(a)
for t in ts:
    tot=0;ch=0;better=worse=0;ua=0
    for k,p in a.items():
        q=b[k]
        f=p['f1']
        if p['abstained'] and not q['abstained'] and q['confidence']>=t:
            f=q['f1']; ch+=1; better+=f>p['f1']; worse+=f<p['f1']; ua+= not q['answerable']
        tot+=f
    print(f"t={t:.3f} base {100*base:.2f} adaptive {100*tot/len(a):.2f} changed {ch} better {better} worse {worse} unans {ua}")
