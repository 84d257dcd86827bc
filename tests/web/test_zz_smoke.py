import time
from tests.factories import funding_case_at, dispute_at
from tests.web.helpers import page

def test_smoke(app, signed_in, service, cast, clock):
    t=time.time()
    case = funding_case_at(service, cast, clock, "notice_pending")
    d = dispute_at(service, cast, clock, "panel_findings_issued")
    print("walk", time.time()-t); t=time.time()
    fo = signed_in("fo")
    print("login", time.time()-t); t=time.time()
    r = fo.get(f"/cases/{case.id}")
    print("page", time.time()-t, r.status_code); t=time.time()
    p = page(r)
    print(p.text[:3000])
    r = fo.get(f"/cases/{case.id}/actions/issue_notice")
    print(r.get_data(as_text=True)[-6000:])
    print(page(r).fields)
