"""Metrics of eval reports split into tuning (odd ids) and held-out (even ids) halves, with fully right by kind.

    python3 scripts/eval_halves.py reports/eval/eval.json [more eval.json …]
"""
import json, sys, re
def metrics(qs):
    ev=[q for q in qs if q['has_evidence']]
    ans=[q for q in qs if q['answerable']]
    r=lambda k: sum(1 for q in ev if q['rank'] and q['rank']<=k)/len(ev) if ev else float('nan')
    mrr=sum(1/q['rank'] for q in ev if q['rank'] and q['rank']<=10)/len(ev) if ev else float('nan')
    cov=sum(q['coverage'] or 0 for q in ans)/len(ans) if ans else float('nan')
    sup=sum(1 for q in ev if q['supported'])/len(ev) if ev else float('nan')
    quotes=sum(q['quotes'] for q in qs); exact=sum(q['exact_quotes'] for q in qs)
    ref=sum(1 for q in qs if q['grounded']==q['answerable'])/len(qs)
    given=[q for q in qs if q['grounded']]; prec=sum(q['fully_right'] for q in given)/len(given) if given else float('nan')
    kinds={}
    for q in qs: k=kinds.setdefault(q['kind'],[0,0]); k[0]+=q['fully_right']; k[1]+=1
    return f"hit@1 {r(1):.3f} | hit@5 {r(5):.3f} | MRR {mrr:.3f} | cov {cov:.3f} | support {sup:.3f} | exact {exact/quotes if quotes else 1:.3f} | refusal {ref:.3f} | precision {prec:.3f} ({len(given)} answered) | fully right {sum(q['fully_right'] for q in qs)}/{len(qs)} | " + ", ".join(f"{k} {a}/{b}" for k,(a,b) in kinds.items())
for path in sys.argv[1:]:
    qs=json.load(open(path))['questions']
    num=lambda q:int(re.sub(r'\D','',q['id']))
    print(f"### {path}")
    print("all  :", metrics(qs))
    print("odd  :", metrics([q for q in qs if num(q)%2==1]))
    print("even :", metrics([q for q in qs if num(q)%2==0]))
