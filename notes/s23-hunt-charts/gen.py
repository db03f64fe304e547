import json, copy, base64, os, shutil, sys
ROOT='/work/wt/p23-hunt'
base=json.load(open(f'{ROOT}/samples/patients/dli-met.json'))
order=json.load(open(f'{ROOT}/cases/45.03/patient-met/order.json'))
P='dli4503-met'
OUT='/tmp/hunt/cases'
shutil.rmtree(OUT, ignore_errors=True); os.makedirs(OUT)
def R(b, rid):
    for e in b['entry']:
        if e['resource'].get('id')==rid: return e['resource']
def drop(b, rid): b['entry']=[e for e in b['entry'] if e['resource'].get('id')!=rid]
def add(b, r): b['entry'].append({'fullUrl': f"urn:uuid:{r['id']}", 'resource': r, 'request': {'method':'PUT','url':f"{r['resourceType']}/{r['id']}"}})
def note(rid, text, date='2026-11-20T10:00:00Z', ctype='text/plain', code='11506-3'):
    return {'resourceType':'DocumentReference','id':rid,'status':'current','type':{'coding':[{'system':'http://loinc.org','code':code}]},
      'subject':{'reference':f'Patient/{P}'},'date':date,
      'content':[{'attachment':{'contentType':ctype,'data':base64.b64encode(text.encode()).decode()}}]}
CD3='dli4503-met-obs-chim-cd3-2026-10'; CD33='dli4503-met-obs-chim-cd33-2026-10'
REL='dli4503-met-cond-aml-relapse'; HCT='dli4503-met-proc-allo-hct'; COND='dli4503-met-proc-conditioning'; GVHD='dli4503-met-cond-gvhd'
cases={}
def case(name, expect, desc):
    def deco(f):
        b=copy.deepcopy(base); o=copy.deepcopy(order)
        f(b,o)
        cases[name]=(b,o,expect,desc)
        return f
    return deco
def rs(code): return {'coding':[{'system':'http://terminology.hl7.org/CodeSystem/condition-clinical','code':code}]}
def vs(code): return {'coding':[{'system':'http://terminology.hl7.org/CodeSystem/condition-ver-status','code':code}]}

# ---- I.C chimerism
@case('chim-recipient-pct-cd3', {'I.C':'NotMet'}, 'CD3 reported as 3 % recipient (97 % donor), CD33 97 % donor: full donor everywhere')
def _(b,o):
    r=R(b,CD3); r['code']={'coding':[{'system':'urn:oid:2.16.840.1.113883.3.1234.5.7','code':'CHIM-CD3-R'}],'text':'Chimerism, sorted T cells (CD3+), % recipient'}; r['valueQuantity']['value']=3
@case('chim-donor-recipient-title', {'I.C':'NotMet'}, 'lab titled "Donor/Recipient Chimerism, CD3+ T cells" value 97 % donor')
def _(b,o):
    r=R(b,CD3); r['code']={'coding':[{'system':'urn:oid:2.16.840.1.113883.3.1234.5.7','code':'CHIM-CD3'}],'text':'Donor/Recipient Chimerism Analysis, CD3+ T cells, % donor'}; r['valueQuantity']['value']=97
@case('chim-recip-dna-title', {'I.C':'NotMet'}, 'title "Post-transplant chimerism (recipient vs donor STR), CD3" value 97 % donor')
def _(b,o):
    r=R(b,CD3); r['code']={'coding':[{'system':'http://www.ama-assn.org/go/cpt','code':'81268'}],'text':'Post-transplant chimerism, STR (recipient vs donor), CD3 T cells'}; r['valueQuantity']['value']=97; r['valueQuantity']['unit']='% donor'
@case('chim-fraction-unit-1', {'I.C':'NotMet'}, 'CD3 0.98 with unit "1"/{fraction} = 98 % donor, CD33 97 %')
def _(b,o):
    r=R(b,CD3); r['valueQuantity']={'value':0.98,'unit':'fraction','system':'http://unitsofmeasure.org','code':'1'}
@case('chim-fraction-nounit', {'I.C':'!Met'}, 'CD3 0.98 with no unit')
def _(b,o):
    r=R(b,CD3); r['valueQuantity']={'value':0.98}
@case('chim-registered', {'I.C':'!Met'}, 'CD3 72 % with status registered (not resulted)')
def _(b,o): R(b,CD3)['status']='registered'
@case('chim-amended-later-full', {'I.C':'NotMet'}, 'CD3 72 % final 10-20, CD3 98 % amended 11-10')
def _(b,o):
    r=copy.deepcopy(R(b,CD3)); r['id']='cd3-nov'; r['status']='amended'; r['effectiveDateTime']='2026-11-10'; r['issued']='2026-11-11T10:00:00Z'; r['valueQuantity']['value']=98; add(b,r)
@case('chim-corrected-same-obs', {'I.C':'!Met'}, 'CD3 value 72 but interpretation "N" normal and note "corrected: 97% donor"')
def _(b,o):
    r=R(b,CD3); r['status']='corrected'; r['note']=[{'text':'Corrected report: previously reported 72% in error; correct value 97% donor.'}]
@case('chim-interp-only', {'I.C':'!Met'}, 'CD3 no value, interpretation code A (abnormal) only')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['interpretation']=[{'coding':[{'system':'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation','code':'A'}]}]
    R(b,CD33)['valueQuantity']['value']=99
@case('chim-valuestring-recip', {'I.C':'NotMet'}, 'CD3 valueString "2% recipient"')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['valueString']='2% recipient'
@case('chim-valuestring-full', {'I.C':'NotMet'}, 'CD3 valueString "Full donor chimerism (>95% donor)"')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['valueString']='Full donor chimerism (>95% donor)'
@case('chim-valuestring-nd', {'I.C':'NotMet'}, 'CD3 valueString "Recipient DNA not detected (100% donor)"')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['valueString']='Recipient DNA not detected (100% donor)'
@case('chim-comparator-lt-recip', {'I.C':'NotMet'}, 'CD3 % recipient <1 (comparator)')
def _(b,o):
    r=R(b,CD3); r['code']['text']='Chimerism CD3 % recipient'; r['code']['coding']=[{'system':'urn:oid:2.16.840.1.113883.3.1234.5.7','code':'CHIM-CD3-R','display':'Chimerism CD3, % recipient'}]; r['valueQuantity']={'value':1,'comparator':'<','unit':'%','system':'http://unitsofmeasure.org','code':'%'}
@case('chim-components-recip-only', {'I.C':'NotMet'}, 'one Observation, components CD3 % recipient 2 and CD33 % recipient 1')
def _(b,o):
    drop(b,CD33); r=R(b,CD3); del r['valueQuantity']; r['code']={'coding':[{'system':'http://www.ama-assn.org/go/cpt','code':'81268'}],'text':'Chimerism panel'}
    r['component']=[{'code':{'text':'CD3+ T cells % recipient'},'valueQuantity':{'value':2,'unit':'%'}},{'code':{'text':'CD33+ myeloid % recipient'},'valueQuantity':{'value':1,'unit':'%'}}]
@case('chim-whole-blood-recip-host', {'I.C':'NotMet'}, 'local code "HOST DNA %" 3 in whole blood; CD33 97')
def _(b,o):
    r=R(b,CD3); r['code']={'coding':[{'system':'urn:oid:1.2.3','code':'HOSTDNA'}],'text':'Engraftment analysis, host DNA %, whole blood'}; r['valueQuantity']['value']=3
@case('chim-before-order-after', {'I.C':'!Met'}, 'CD3 72 on 10-20 then CD3 99 on 11-23 (the day before the order)')
def _(b,o):
    r=copy.deepcopy(R(b,CD3)); r['id']='cd3-late'; r['effectiveDateTime']='2026-11-23'; r['issued']='2026-11-23T16:00:00Z'; r['valueQuantity']['value']=99; add(b,r)
@case('chim-issued-only-later', {'I.C':'!Met'}, 'CD3 99 with only issued 11-20 (no effective), beside CD3 72 on 10-20')
def _(b,o):
    r=copy.deepcopy(R(b,CD3)); r['id']='cd3-issued'; del r['effectiveDateTime']; r['issued']='2026-11-20T16:00:00Z'; r['valueQuantity']['value']=99; add(b,r)
@case('chim-dar', {'I.C':'!Met'}, 'CD3 with dataAbsentReason and no value; CD33 97')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['dataAbsentReason']={'coding':[{'system':'http://terminology.hl7.org/CodeSystem/data-absent-reason','code':'error'}]}
@case('chim-ratio', {'I.C':'!Met'}, 'CD3 chimerism as valueRatio 97/100 ')
def _(b,o):
    r=R(b,CD3); del r['valueQuantity']; r['valueRatio']={'numerator':{'value':97},'denominator':{'value':100}}; R(b,CD33)['valueQuantity']['value']=99
@case('chim-permille', {'I.C':'NotMet'}, 'CD3 970 per mille? no: value 97 with unit "%" code "%" but text says "% donor" beside CD33 "% host" 3')
def _(b,o):
    r=R(b,CD33); r['code']['text']='Chimerism, sorted myeloid cells (CD33+), % host'; r['code']['coding']=[{'system':'urn:oid:2.16.840.1.113883.3.1234.5.7','code':'CHIM-CD33-H','display':'Chimerism, sorted myeloid cells (CD33+), % host'}]; r['valueQuantity']['value']=3; R(b,CD3)['valueQuantity']['value']=97

# ---- I.A relapse
@case('rel-unconfirmed', {'I.A':'!Met'}, 'relapse Condition verificationStatus unconfirmed')
def _(b,o): R(b,REL)['verificationStatus']=vs('unconfirmed')
@case('rel-differential', {'I.A':'!Met'}, 'relapse Condition verificationStatus differential')
def _(b,o): R(b,REL)['verificationStatus']=vs('differential')
@case('rel-abated', {'I.A':'!Met'}, 'relapse Condition with abatementDateTime 2026-11-05')
def _(b,o): R(b,REL)['abatementDateTime']='2026-11-05'
@case('rel-code-relapse-status-resolved', {'I.A':'!Met'}, 'C92.02 with clinicalStatus resolved, recorded 2026-09-15')
def _(b,o): R(b,REL)['clinicalStatus']=rs('resolved')
@case('rel-code-relapse-status-remission', {'I.A':'!Met'}, 'C92.02 with clinicalStatus remission')
def _(b,o): R(b,REL)['clinicalStatus']=rs('remission')
@case('rel-solid-recurrence', {'I.A':'!Met'}, 'no AML relapse; basal cell carcinoma C44.91 with clinicalStatus recurrence 2026-10')
def _(b,o):
    r=R(b,REL); r['code']={'coding':[{'system':'http://hl7.org/fhir/sid/icd-10-cm','code':'C44.91','display':'Basal cell carcinoma of skin, unspecified'}],'text':'Basal cell carcinoma of skin'}; r['clinicalStatus']=rs('recurrence'); r['onsetDateTime']='2026-10-01'; r['recordedDate']='2026-10-01'
@case('rel-gvhd-recurrence', {'I.A':'!Met'}, 'no AML relapse; chronic GVHD with clinicalStatus recurrence 2026-10')
def _(b,o):
    drop(b,REL); R(b,GVHD)['clinicalStatus']=rs('recurrence'); R(b,GVHD)['recordedDate']='2026-10-01'
@case('rel-cmv-relapse', {'I.A':'!Met'}, 'no AML relapse; CMV viremia B25.9 clinicalStatus relapse 2026-10')
def _(b,o):
    r=R(b,REL); r['code']={'coding':[{'system':'http://hl7.org/fhir/sid/icd-10-cm','code':'B25.9','display':'Cytomegaloviral disease, unspecified'}],'text':'CMV reactivation'}; r['clinicalStatus']=rs('relapse'); r['onsetDateTime']='2026-10-01'; r['recordedDate']='2026-10-01'
@case('rel-textonly-aml-status-relapse', {'I.A':'Met'}, 'relapse Condition coded SNOMED 91861009 AML with clinicalStatus relapse')
def _(b,o):
    R(b,REL)['code']={'coding':[{'system':'http://snomed.info/sct','code':'91861009'}],'text':'AML'}
@case('rel-later-note-cr-mrdneg', {'I.A':'!Met'}, 'progress note 11-20: "Day +600 marrow: in CR, MRD negative. No evidence of relapse."')
def _(b,o):
    add(b, note('note-cr','Progress note. Bone marrow biopsy 11/18/2026: morphologic CR, MRD negative by flow. No evidence of relapse. Plan: DLI for mixed T-cell chimerism.'))
@case('rel-later-ds-obs-remission', {'I.A':'!Met'}, 'disease status Observation LOINC 97509-4 2026-11-18 = complete remission SNOMED 550991000124107')
def _(b,o):
    add(b,{'resourceType':'Observation','id':'ds-1','status':'final','code':{'coding':[{'system':'http://loinc.org','code':'97509-4'}]},'subject':{'reference':f'Patient/{P}'},'effectiveDateTime':'2026-11-18','valueCodeableConcept':{'coding':[{'system':'http://snomed.info/sct','code':'550991000124107'}],'text':'Complete remission'},'focus':[{'reference':'Condition/dli4503-met-cond-aml-dx'}]})
@case('rel-later-ds-obs-text-cr', {'I.A':'!Met'}, 'disease status Observation 97509-4 2026-11-18 valueCodeableConcept text only "CR, MRD negative"')
def _(b,o):
    add(b,{'resourceType':'Observation','id':'ds-2','status':'final','code':{'coding':[{'system':'http://loinc.org','code':'97509-4'}]},'subject':{'reference':f'Patient/{P}'},'effectiveDateTime':'2026-11-18','valueCodeableConcept':{'text':'Complete remission (CR), MRD negative'}})
@case('rel-later-remission-code-cond', {'I.A':'!Met'}, 'later Condition C92.01 (in remission) recorded 2026-11-15, active')
def _(b,o):
    r=copy.deepcopy(R(b,REL)); r['id']='aml-rem'; r['code']={'coding':[{'system':'http://hl7.org/fhir/sid/icd-10-cm','code':'C92.01'}]}; r['clinicalStatus']=rs('active'); r['onsetDateTime']='2026-11-15'; r['recordedDate']='2026-11-15'; add(b,r)
@case('rel-problem-with-onset-old-recorded-new', {'I.A':'!Met'}, 'relapse onset 2024-12 (pre-HCT), recorded 2026-09 (problem list re-entered)')
def _(b,o): R(b,REL)['onsetDateTime']='2024-12-20'
@case('rel-subject-identifier-other', {'I.A':'!Met'}, 'relapse Condition subject by identifier of another MRN, no reference')
def _(b,o): R(b,REL)['subject']={'identifier':{'system':'urn:oid:1.2.36.146.595.217.0.1','value':'MRN-999999'}}
@case('rel-subject-display-only', {'I.A':'!Met'}, 'relapse Condition subject display only')
def _(b,o): R(b,REL)['subject']={'display':'Okafor, Adaeze'}
@case('rel-subject-other-server', {'I.A':'!Met'}, 'relapse Condition subject https://other-hospital.example/fhir/Patient/dli4503-met')
def _(b,o): R(b,REL)['subject']={'reference':'https://other-hospital.example.com/fhir/Patient/dli4503-met'}
@case('rel-subject-urnuuid-other', {'I.A':'!Met'}, 'relapse Condition subject urn:uuid of another patient entry')
def _(b,o):
    add(b,{'resourceType':'Patient','id':'donor-1','name':[{'family':'Okafor','given':['Chidi']}]}); b['entry'][-1]['fullUrl']='urn:uuid:5b0a3f3e-0000-4000-8000-000000000001'
    R(b,REL)['subject']={'reference':'urn:uuid:5b0a3f3e-0000-4000-8000-000000000001'}
@case('rel-encounter-dx-relapse-provisional-old', {'I.A':'Met'}, 'control: relapse confirmed')
def _(b,o): pass
@case('rel-note-question-no', {'I.A':'!Met'}, 'drop relapse Condition; note "Relapse? [ ] Yes [x] No"')
def _(b,o):
    drop(b,REL); add(b, note('note-q','Transplant follow-up template\nRelapse? [ ] Yes [x] No\nGVHD? [x] Yes [ ] No\n'))
@case('rel-note-family', {'I.A':'!Met'}, 'drop relapse Condition; note "Sister had AML, relapsed after transplant."')
def _(b,o):
    drop(b,REL); add(b, note('note-fam','Family history: sister had AML, relapsed after transplant in 2019. Patient doing well.'))
@case('rel-note-denies-list', {'I.A':'!Met'}, 'drop relapse; note "Denies fever, night sweats, relapse symptoms or GVHD flares"')
def _(b,o):
    drop(b,REL); add(b, note('note-neg','ROS: denies fever, night sweats, bleeding, bruising or signs of relapse.'))
@case('rel-note-ro', {'I.A':'!Met'}, 'drop relapse; note "Marrow to r/o relapse"')
def _(b,o):
    drop(b,REL); add(b, note('note-ro','Rising blasts? Bone marrow biopsy scheduled to r/o relapse.'))
@case('rel-note-notexcluded', {'I.A':'!Met'}, 'drop relapse; note "relapse not excluded"')
def _(b,o):
    drop(b,REL); add(b, note('note-ne','Peripheral blasts 2%. Early relapse not excluded; repeat marrow next week.'))
@case('rel-note-impending', {'I.A':'!Met'}, 'drop relapse; note "impending relapse"')
def _(b,o):
    drop(b,REL); add(b, note('note-imp','Falling CD3 chimerism concerning for impending relapse.'))
@case('rel-note-pmh-relapsed', {'I.A':'!Met'}, 'drop relapse; note PMH "relapsed AML 2023 s/p re-induction, now in CR2 before allo"')
def _(b,o):
    drop(b,REL); add(b, note('note-pmh','PMH: AML diagnosed 2022, relapsed AML 2023 treated with FLAG-Ida, now in CR2. Allo-HCT 3/2025.'))
@case('rel-note-html', {'I.A':'!Met'}, 'drop relapse; HTML note "<b>Relapse:</b> No"')
def _(b,o):
    drop(b,REL); add(b, note('note-html','<html><body><p><b>Relapse:</b> No</p><p><b>GVHD:</b> chronic, skin</p></body></html>', ctype='text/html'))
@case('rel-note-molecular', {'I.A':'Met|Unknown'}, 'drop relapse; note "molecular relapse, NPM1 MRD rising"')
def _(b,o):
    drop(b,REL); add(b, note('note-mol','NPM1 MRD rising on two consecutive samples: molecular relapse.'))

# ---- I.B
@case('ib-reduced-dose-tacro', {'I.B':'!Met'}, 'no RIC words: HCT note "Myeloablative Bu/Cy; GVHD prophylaxis reduced-dose tacrolimus"? (MAC stated) -> conflict at most')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'10/10 HLA-matched unrelated donor. GVHD prophylaxis: tacrolimus (reduced-dose for renal function) and methotrexate.'}]
@case('ib-reduced-dose-ptcy', {'I.B':'!Met'}, 'HCT note "reduced-dose post-transplant cyclophosphamide" only')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Haploidentical donor. GVHD prophylaxis with reduced-dose PTCy (25 mg/kg days +3 and +4).'}]
@case('ib-ric-considered-mac', {'I.B':'!Met'}, 'HCT note "RIC considered; proceeded with myeloablative Bu/Cy"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'RIC was considered given age but patient proceeded with myeloablative busulfan/cyclophosphamide.'}]
@case('ib-not-ric', {'I.B':'!Met'}, 'HCT note "Conditioning: myeloablative (not RIC)"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Conditioning: myeloablative (not RIC), Bu/Cy.'}]
@case('ib-ineligible-ric', {'I.B':'!Met'}, 'HCT note "Not a candidate for reduced-intensity conditioning"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Young and fit: not a candidate for reduced-intensity conditioning. TBI 12 Gy/Cy.'}]
@case('ib-ric-question-no', {'I.B':'!Met'}, 'HCT note template "Reduced intensity: No  Myeloablative: Yes"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Conditioning intensity\nReduced intensity: No\nMyeloablative: Yes'}]
@case('ib-ric-checkbox', {'I.B':'!Met'}, 'HCT note "[ ] RIC [x] MAC"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Regimen intensity: [ ] RIC  [ ] NMA  [x] MAC'}]
@case('ib-cd34-dose', {'I.B':'!Met'}, 'HCT note "CD34+ cell dose 5.2 x10^6/kg, unmanipulated graft"? no - just CD34 dose')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'PBSC graft, CD34+ cell dose 5.2 x 10^6/kg; CD3+ 2.1 x 10^8/kg.'}]
@case('ib-tcd-future', {'I.B':'!Met'}, 'HCT note "Plan: next transplant with T-cell depletion"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Myeloablative TBI/Cy. T-cell depleted graft not available at our center.'}]
@case('ib-ric-for-other-pt', {'I.B':'!Met'}, 'note on the conditioning Procedure status not-done')
def _(b,o):
    R(b,HCT)['note']=[{'text':'10/10 HLA-matched unrelated donor.'}]; R(b,COND)['status']='not-done'
@case('ib-ric-cond-entered-in-error', {'I.B':'!Met'}, 'conditioning Procedure entered-in-error (RIC text)')
def _(b,o):
    R(b,HCT)['note']=[{'text':'10/10 HLA-matched unrelated donor.'}]; R(b,COND)['status']='entered-in-error'
@case('ib-ric-cond-preparation', {'I.B':'!Met'}, 'conditioning Procedure status preparation (planned RIC) for a second transplant in 2026-12')
def _(b,o):
    R(b,HCT)['note']=[{'text':'10/10 HLA-matched unrelated donor.'}]; R(b,COND)['status']='preparation'
@case('ib-ric-old-transplant', {'I.B':'!Met'}, 'RIC conditioning was for a first allo in 2021; second allo 2025 myeloablative stated')
def _(b,o):
    c=R(b,COND); c['performedPeriod']={'start':'2021-03-06','end':'2021-03-10'}
    h=copy.deepcopy(R(b,HCT)); h['id']='hct-1'; h['performedDateTime']='2021-03-12'; add(b,h)
    R(b,HCT)['note']=[{'text':'Second allogeneic HCT from a different (haploidentical) donor after graft failure. Myeloablative conditioning.'}]

# ---- HCT
@case('hct-planned-only', {'HCT':'!Met'}, 'allo HCT Procedure status preparation, no GVHD, chimerism stays')
def _(b,o):
    R(b,HCT)['status']='preparation'
@case('hct-auto-text-allo', {'HCT':'!Met'}, 'HCT coded autologous CPT 38241, text says "allo"? conflict')
def _(b,o):
    r=R(b,HCT); r['code']={'coding':[{'system':'http://www.ama-assn.org/go/cpt','code':'38241'}],'text':'Autologous stem cell transplant'}; drop(b,GVHD)

# ---- order
@case('order-reason-cmv', {'outcome':'Investigational'}, 'order reasonReference CMV Condition B25.9')
def _(b,o):
    add(b,{'resourceType':'Condition','id':'cmv','clinicalStatus':rs('active'),'code':{'coding':[{'system':'http://hl7.org/fhir/sid/icd-10-cm','code':'B25.9'}],'text':'CMV viremia'},'subject':{'reference':f'Patient/{P}'},'recordedDate':'2026-11-01'})
    o['reasonReference']=[{'reference':'Condition/cmv'}]
@case('order-reason-text-ebv', {'outcome':'!MeetsCriteria'}, 'order reasonCode text only "EBV-PTLD"')
def _(b,o): o['reasonCode']=[{'text':'EBV post-transplant lymphoproliferative disorder'}]
@case('order-note-virus-specific', {'outcome':'!MeetsCriteria'}, 'order note "virus-specific T cells for adenovirus"')
def _(b,o): o['note']=[{'text':'Donor-derived adenovirus-specific T cells for refractory adenovirus infection.'}]
@case('order-cd45ra-depleted-no-mod', {'outcome':'MeetsCriteria'}, 'control: order note "CD45RA-depleted DLI, not genetically modified"')
def _(b,o): o['note']=[{'text':'CD45RA-depleted donor lymphocytes; not genetically modified.'}]
@case('order-car', {'outcome':'Investigational'}, 'order code text "Donor-derived CD19 CAR-T infusion"')
def _(b,o): o['code']['text']='Donor-derived CD19 CAR T-cell infusion'
@case('order-prophylactic-no-relapse', {'outcome':'!MeetsCriteria'}, 'order reasonCode text "prophylactic DLI, no relapse"')
def _(b,o): o['reasonCode']=[{'text':'Prophylactic DLI (no relapse)'}]

@case('ib-ric-checkbox-ticked', {'I.B':'Met'}, 'control: HCT note "[x] RIC [ ] MAC"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Regimen intensity: [x] RIC  [ ] MAC'}]
@case('ib-ric-checkbox-unicode', {'I.B':'!Met'}, 'HCT note with unicode boxes "\u2610 RIC \u2612 MAC"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Regimen intensity: \u2610 Reduced intensity \u2612 Myeloablative'}]
@case('ib-reduced-dose-conditioning', {'I.B':'Met'}, 'control: HCT note "reduced-dose conditioning (Flu/Mel)"')
def _(b,o):
    drop(b,COND); R(b,HCT)['note']=[{'text':'Reduced-dose conditioning with fludarabine and melphalan 100.'}]

for name,(b,o,expect,desc) in cases.items():
    d=f'{OUT}/{name}'; os.makedirs(d)
    json.dump(b,open(f'{d}/bundle.json','w'),indent=1); json.dump(o,open(f'{d}/order.json','w'),indent=1)
    json.dump({'expect':expect,'desc':desc},open(f'/tmp/hunt/expect-{name}.json','w'))
print(len(cases))
