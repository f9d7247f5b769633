"""Fixed word pools for the synthetic corpus: conditions, sponsors, places, people, criteria.

The pools are constants (built with their own fixed seed), so a corpus differs between
seeds only in which entries each record draws, never in the pools themselves.
"""

from __future__ import annotations

import random

# --- conditions: ~300 names, none containing a comma (the labelled layout joins them with ", ")
_CANCER_SITES = (
    "Lung", "Non-Small Cell Lung", "Small Cell Lung", "Breast", "Triple Negative Breast", "Prostate",
    "Colorectal", "Gastric", "Esophageal", "Pancreatic", "Liver", "Biliary Tract", "Bladder", "Kidney",
    "Ovarian", "Cervical", "Endometrial", "Head and Neck", "Nasopharyngeal", "Thyroid", "Skin",
    "Testicular", "Anal", "Penile", "Vulvar", "Brain", "Bone", "Adrenal", "Gallbladder", "Oral",
)
_CANCER_FORMS = ("{} Cancer", "Advanced {} Cancer", "Metastatic {} Cancer", "Recurrent {} Cancer")
_OTHER_CONDITIONS = (
    "Acute Ischemic Stroke", "Hemorrhagic Stroke", "Heart Failure", "Atrial Fibrillation", "Hypertension",
    "Pulmonary Arterial Hypertension", "Coronary Artery Disease", "Myocardial Infarction", "Peripheral Artery Disease",
    "Type 1 Diabetes", "Type 2 Diabetes", "Obesity", "Nonalcoholic Steatohepatitis", "Chronic Kidney Disease",
    "Acute Kidney Injury", "Asthma", "Chronic Obstructive Pulmonary Disease", "Idiopathic Pulmonary Fibrosis",
    "Cystic Fibrosis", "Bronchiectasis", "Community-acquired Pneumonia", "Sepsis", "COVID-19", "Influenza",
    "Respiratory Syncytial Virus Infection", "HIV Infections", "Hepatitis B", "Hepatitis C", "Tuberculosis",
    "Malaria", "Urinary Tract Infection", "Clostridioides Difficile Infection", "Systemic Lupus Erythematosus",
    "Lupus Nephritis", "Rheumatoid Arthritis", "Psoriatic Arthritis", "Ankylosing Spondylitis", "Psoriasis",
    "Atopic Dermatitis", "Hidradenitis Suppurativa", "Alopecia Areata", "Vitiligo", "Chronic Urticaria",
    "Crohn Disease", "Ulcerative Colitis", "Celiac Disease", "Irritable Bowel Syndrome", "Gastroparesis",
    "Multiple Sclerosis", "Myasthenia Gravis", "Amyotrophic Lateral Sclerosis", "Parkinson Disease",
    "Alzheimer Disease", "Mild Cognitive Impairment", "Huntington Disease", "Epilepsy", "Migraine",
    "Neuropathic Pain", "Chronic Low Back Pain", "Lumbar Disc Herniation", "Knee Osteoarthritis",
    "Hip Osteoarthritis", "Osteoporosis", "Fibromyalgia", "Major Depressive Disorder", "Bipolar Disorder",
    "Schizophrenia", "Generalized Anxiety Disorder", "Post-traumatic Stress Disorder", "Autism Spectrum Disorder",
    "Attention Deficit Hyperactivity Disorder", "Insomnia", "Obstructive Sleep Apnea", "Alcohol Use Disorder",
    "Opioid Use Disorder", "Smoking Cessation", "Acute Myeloid Leukemia", "Acute Lymphoblastic Leukemia",
    "Chronic Lymphocytic Leukemia", "Chronic Myeloid Leukemia", "Multiple Myeloma", "Diffuse Large B-Cell Lymphoma",
    "Follicular Lymphoma", "Hodgkin Lymphoma", "Mantle Cell Lymphoma", "Myelodysplastic Syndromes",
    "Myelofibrosis", "Sickle Cell Disease", "Beta Thalassemia", "Hemophilia A", "Hemophilia B",
    "Immune Thrombocytopenia", "Cancer Therapy-Induced Thrombocytopenia", "Iron Deficiency Anemia",
    "Venous Thromboembolism", "Glioblastoma", "Melanoma", "Mesothelioma", "Soft Tissue Sarcoma", "Osteosarcoma",
    "Neuroblastoma", "Hepatocellular Carcinoma", "Renal Cell Carcinoma", "Urothelial Carcinoma",
    "Cholangiocarcinoma", "Malignant Ascites", "Solid Tumor", "Age-related Macular Degeneration",
    "Diabetic Macular Edema", "Glaucoma", "Dry Eye Disease", "Retinitis Pigmentosa", "Uveitis", "Hearing Loss",
    "Chronic Rhinosinusitis", "Periodontitis", "Dental Caries", "Endometriosis", "Polycystic Ovary Syndrome",
    "Infertility", "Preeclampsia", "Preterm Birth", "Postpartum Hemorrhage", "Menopause", "Overactive Bladder",
    "Benign Prostatic Hyperplasia", "Erectile Dysfunction", "Gout", "Hypercholesterolemia",
    "Familial Hypercholesterolemia", "Hypertriglyceridemia", "Hypothyroidism", "Graves Disease",
    "Cushing Syndrome", "Acromegaly", "Growth Hormone Deficiency", "Fabry Disease", "Gaucher Disease",
    "Pompe Disease", "Duchenne Muscular Dystrophy", "Spinal Muscular Atrophy", "Hereditary Angioedema",
    "Transthyretin Amyloidosis", "Kidney Transplant Rejection", "Graft Versus Host Disease", "Chronic Pain",
    "Postoperative Pain", "Burns", "Diabetic Foot Ulcer", "Pressure Ulcer", "Traumatic Brain Injury",
    "Spinal Cord Injury", "Cerebral Palsy", "Frailty", "Sarcopenia", "Malnutrition", "Premature Infant",
    "Bronchopulmonary Dysplasia", "Neonatal Jaundice", "Kawasaki Disease", "Anorexia Nervosa", "Dementia",
    "Delirium", "Cardiac Arrest", "Aortic Stenosis", "Cardiomyopathy", "Stable Angina", "Sjogren Syndrome",
    "Systemic Sclerosis", "Vasculitis", "Sarcoidosis", "Interstitial Lung Disease", "Eosinophilic Esophagitis",
    "Gastroesophageal Reflux Disease", "Cirrhosis", "Primary Biliary Cholangitis", "Acute Pancreatitis",
    "Chronic Pancreatitis", "Nephrotic Syndrome", "IgA Nephropathy", "Polycystic Kidney Disease",
    "Hyperkalemia", "Anemia of Chronic Kidney Disease", "Healthy Volunteers",
)


def _conditions() -> tuple[str, ...]:
    names = [form.format(site) for site in _CANCER_SITES for form in _CANCER_FORMS]
    names += _OTHER_CONDITIONS
    return tuple(dict.fromkeys(names))  # unique, order kept


CONDITIONS = _conditions()

# Short forms the generator may put in titles, as real titles do ("... in Patients With AIS").
ABBREVIATIONS = {
    "Acute Ischemic Stroke": "AIS", "Systemic Lupus Erythematosus": "SLE", "Non-Small Cell Lung Cancer": "NSCLC",
    "Chronic Obstructive Pulmonary Disease": "COPD", "Acute Myeloid Leukemia": "AML", "Multiple Sclerosis": "MS",
    "Hepatocellular Carcinoma": "HCC", "Rheumatoid Arthritis": "RA", "Major Depressive Disorder": "MDD",
    "Chronic Kidney Disease": "CKD", "Idiopathic Pulmonary Fibrosis": "IPF", "Atrial Fibrillation": "AF",
}

# --- places: (city, state, country); at least 150 distinct so a 150-site trial never repeats a city
_PLACES_TEXT = """
Birmingham|Alabama|United States;Phoenix|Arizona|United States;Tucson|Arizona|United States;Little Rock|Arkansas|United States
Los Angeles|California|United States;San Francisco|California|United States;San Diego|California|United States
Sacramento|California|United States;Denver|Colorado|United States;Aurora|Colorado|United States
New Haven|Connecticut|United States;Hartford|Connecticut|United States;Wilmington|Delaware|United States
Miami|Florida|United States;Tampa|Florida|United States;Jacksonville|Florida|United States;Gainesville|Florida|United States
Atlanta|Georgia|United States;Augusta|Georgia|United States;Honolulu|Hawaii|United States;Boise|Idaho|United States
Chicago|Illinois|United States;Peoria|Illinois|United States;Indianapolis|Indiana|United States;Iowa City|Iowa|United States
Kansas City|Kansas|United States;Louisville|Kentucky|United States;Lexington|Kentucky|United States
New Orleans|Louisiana|United States;Portland|Maine|United States;Baltimore|Maryland|United States
Bethesda|Maryland|United States;Boston|Massachusetts|United States;Worcester|Massachusetts|United States
Detroit|Michigan|United States;Ann Arbor|Michigan|United States;Grand Rapids|Michigan|United States
Minneapolis|Minnesota|United States;Rochester|Minnesota|United States;Jackson|Mississippi|United States
Saint Louis|Missouri|United States;Columbia|Missouri|United States;Billings|Montana|United States
Omaha|Nebraska|United States;Las Vegas|Nevada|United States;Lebanon|New Hampshire|United States
Hackensack|New Jersey|United States;Newark|New Jersey|United States;Albuquerque|New Mexico|United States
New York|New York|United States;Buffalo|New York|United States;Syracuse|New York|United States
Durham|North Carolina|United States;Charlotte|North Carolina|United States;Chapel Hill|North Carolina|United States
Fargo|North Dakota|United States;Cleveland|Ohio|United States;Columbus|Ohio|United States;Cincinnati|Ohio|United States
Oklahoma City|Oklahoma|United States;Tulsa|Oklahoma|United States;Portland|Oregon|United States
Philadelphia|Pennsylvania|United States;Pittsburgh|Pennsylvania|United States;Hershey|Pennsylvania|United States
Providence|Rhode Island|United States;Charleston|South Carolina|United States;Sioux Falls|South Dakota|United States
Nashville|Tennessee|United States;Memphis|Tennessee|United States;Houston|Texas|United States
Dallas|Texas|United States;San Antonio|Texas|United States;Austin|Texas|United States;Salt Lake City|Utah|United States
Burlington|Vermont|United States;Richmond|Virginia|United States;Charlottesville|Virginia|United States
Seattle|Washington|United States;Spokane|Washington|United States;Morgantown|West Virginia|United States
Milwaukee|Wisconsin|United States;Madison|Wisconsin|United States;Cheyenne|Wyoming|United States
Beijing|Beijing Municipality|China;Shanghai|Shanghai Municipality|China;Tianjin|Tianjin Municipality|China
Chongqing|Chongqing Municipality|China;Guangzhou|Guangdong|China;Shenzhen|Guangdong|China;Dongguan|Guangdong|China
Chengdu|Sichuan|China;Wuhan|Hubei|China;Changsha|Hunan|China;Hangzhou|Zhejiang|China;Ningbo|Zhejiang|China
Nanjing|Jiangsu|China;Suzhou|Jiangsu|China;Jinan|Shandong|China;Qingdao|Shandong|China;Zhengzhou|Henan|China
Fuzhou|Fujian|China;Xiamen|Fujian|China;Nanning|Guangxi|China;Guiyang|Guizhou|China;Kunming|Yunnan|China
Harbin|Heilongjiang|China;Changchun|Jilin|China;Shenyang|Liaoning|China;Dalian|Liaoning|China
Xi'an|Shaanxi|China;Lanzhou|Gansu|China;Hefei|Anhui|China;Nanchang|Jiangxi|China;Ganzhou|Jiangxi|China
Taiyuan|Shanxi|China;Shijiazhuang|Hebei|China;Urumqi|Xinjiang|China;Hohhot|Inner Mongolia|China
Toronto|Ontario|Canada;Ottawa|Ontario|Canada;Hamilton|Ontario|Canada;Montreal|Quebec|Canada;Quebec City|Quebec|Canada
Vancouver|British Columbia|Canada;Calgary|Alberta|Canada;Edmonton|Alberta|Canada;Winnipeg|Manitoba|Canada
Halifax|Nova Scotia|Canada;London|England|United Kingdom;Manchester|England|United Kingdom
Leeds|England|United Kingdom;Oxford|England|United Kingdom;Cambridge|England|United Kingdom
Glasgow|Scotland|United Kingdom;Edinburgh|Scotland|United Kingdom;Cardiff|Wales|United Kingdom
Berlin|Berlin|Germany;Munich|Bavaria|Germany;Hamburg|Hamburg|Germany;Heidelberg|Baden-Wurttemberg|Germany
Cologne|North Rhine-Westphalia|Germany;Dresden|Saxony|Germany;Paris|Ile-de-France|France
Lyon|Auvergne-Rhone-Alpes|France;Marseille|Provence-Alpes-Cote d'Azur|France;Toulouse|Occitanie|France
Lille|Hauts-de-France|France;Madrid|Community of Madrid|Spain;Barcelona|Catalonia|Spain;Valencia|Valencian Community|Spain
Seville|Andalusia|Spain;Milan|Lombardy|Italy;Rome|Lazio|Italy;Naples|Campania|Italy;Bologna|Emilia-Romagna|Italy
Turin|Piedmont|Italy;Amsterdam|North Holland|Netherlands;Rotterdam|South Holland|Netherlands
Utrecht|Utrecht|Netherlands;Leuven|Flemish Brabant|Belgium;Brussels|Brussels Capital|Belgium
Vienna|Vienna|Austria;Graz|Styria|Austria;Zurich|Zurich|Switzerland;Geneva|Geneva|Switzerland
Warsaw|Masovian Voivodeship|Poland;Krakow|Lesser Poland Voivodeship|Poland;Prague|Prague|Czechia
Budapest|Pest|Hungary;Stockholm|Stockholm County|Sweden;Gothenburg|Vastra Gotaland|Sweden
Copenhagen|Capital Region|Denmark;Aarhus|Central Denmark Region|Denmark;Oslo|Oslo|Norway;Helsinki|Uusimaa|Finland
Tokyo|Tokyo|Japan;Osaka|Osaka|Japan;Nagoya|Aichi|Japan;Fukuoka|Fukuoka|Japan;Sapporo|Hokkaido|Japan
Seoul|Seoul|Korea, Republic of;Busan|Busan|Korea, Republic of;Incheon|Incheon|Korea, Republic of
Taipei|Taipei City|Taiwan;Kaohsiung|Kaohsiung City|Taiwan;Sydney|New South Wales|Australia
Melbourne|Victoria|Australia;Brisbane|Queensland|Australia;Perth|Western Australia|Australia
Adelaide|South Australia|Australia;Auckland|Auckland|New Zealand;Sao Paulo|Sao Paulo|Brazil
Rio de Janeiro|Rio de Janeiro|Brazil;Porto Alegre|Rio Grande do Sul|Brazil;Buenos Aires|Buenos Aires|Argentina
Mexico City|Mexico City|Mexico;Guadalajara|Jalisco|Mexico;Santiago|Region Metropolitana|Chile
Bogota|Cundinamarca|Colombia;Lima|Lima|Peru;Mumbai|Maharashtra|India;New Delhi|Delhi|India
Bangalore|Karnataka|India;Chennai|Tamil Nadu|India;Cairo|Cairo Governorate|Egypt;Johannesburg|Gauteng|South Africa
Cape Town|Western Cape|South Africa;Tel Aviv|Tel Aviv District|Israel;Istanbul|Istanbul|Turkey
Ankara|Ankara|Turkey;Bangkok|Bangkok|Thailand;Singapore|Central Region|Singapore;Kuala Lumpur|Kuala Lumpur|Malaysia
Hanoi|Hanoi|Vietnam;Manila|Metro Manila|Philippines;Jakarta|Jakarta|Indonesia;Yogyakarta|Special Region of Yogyakarta|Indonesia
"""

PLACES: tuple[tuple[str, str, str], ...] = tuple(
    tuple(entry.split("|")) for line in _PLACES_TEXT.strip().splitlines() for entry in line.split(";")
)

_FACILITY_KINDS = (
    "University Hospital", "General Hospital", "Medical Center", "Cancer Center", "Clinical Research Center",
    "Children's Hospital", "Regional Medical Center", "Research Site", "Heart Institute", "Memorial Hospital",
)

# --- people
FIRST_NAMES = (
    "Wei", "Li", "Jing", "Ming", "Xiao", "Hui", "Yan", "Qibing", "Ting", "Shuhang", "Anna", "Maria", "Laura",
    "Sarah", "Emma", "Julia", "Sofia", "Elena", "Hannah", "Claire", "James", "John", "Robert", "Michael", "David",
    "Thomas", "Peter", "Daniel", "Mark", "Paul", "Ahmed", "Omar", "Yusuf", "Fatima", "Aisha", "Kenji", "Yuki",
    "Hiroshi", "Min-jun", "Ji-woo", "Priya", "Rahul", "Anil", "Carlos", "Lucia", "Diego", "Pierre", "Marie",
    "Lars", "Ingrid", "Katarzyna", "Pavel", "Nadia", "Olga", "Ivan", "Giulia", "Marco", "Sven", "Eva", "Noah",
)
LAST_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xie", "Deng", "Smith", "Johnson",
    "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Kim", "Park", "Choi", "Tanaka", "Suzuki",
    "Sato", "Takahashi", "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Bernard", "Rossi",
    "Russo", "Ferrari", "Novak", "Kowalski", "Nowak", "Ivanov", "Petrov", "Hansen", "Nielsen", "Jensen",
    "Kumar", "Singh", "Sharma", "Patel", "Khan", "Haddad", "Cohen", "Levi", "Silva", "Santos", "Costa",
)

# --- sponsors: exactly N_SPONSORS unique names with an agency class, built with a fixed seed
N_SPONSORS = 2000
_SYLLABLES = (
    "no", "va", "xi", "ra", "lo", "gen", "bio", "cel", "ther", "on", "ka", "zen", "tri", "ax", "vi", "mer", "sol",
    "ar", "is", "pha", "ly", "to", "qua", "ne", "mo", "ro", "den", "sy", "ta", "lux", "hel", "cor", "im", "una",
)
_COMPANY_KINDS = (
    "Pharmaceuticals", "Therapeutics", "Biotech", "Biopharma", "Biosciences", "Pharma", "Medical", "Oncology",
    "Biotechnology Co., Ltd.", "Pharmaceutical Co., Ltd.", "Therapeutics Inc", "Biologics", "Life Sciences",
)
_ACADEMIC_FORMS = (
    "{} University Hospital", "University of {}", "{} Medical University", "{} Cancer Hospital",
    "{} Children's Hospital", "{} University Medical Center", "{} General Hospital", "{} Institute of Clinical Research",
    "{} Heart Center", "{} Clinical Trials Unit",
)
_NIH = (
    ("National Cancer Institute (NCI)", "NIH"), ("National Institute of Mental Health (NIMH)", "NIH"),
    ("National Heart, Lung, and Blood Institute (NHLBI)", "NIH"),
    ("National Institute of Allergy and Infectious Diseases (NIAID)", "NIH"),
    ("National Institute on Aging (NIA)", "NIH"), ("National Institute on Drug Abuse (NIDA)", "NIH"),
    ("U.S. Army Medical Research and Development Command", "FED"), ("VA Office of Research and Development", "FED"),
)


def _sponsors() -> tuple[tuple[str, str], ...]:
    rng = random.Random("ssg-bench-sponsors-v1")
    out: dict[str, str] = dict(_NIH)
    cities = sorted({p[0] for p in PLACES})
    while len(out) < N_SPONSORS:
        if rng.random() < 0.45:
            name = rng.choice(_ACADEMIC_FORMS).format(rng.choice(cities))
            out.setdefault(name, "OTHER")
        else:
            stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()
            out.setdefault(f"{stem} {rng.choice(_COMPANY_KINDS)}", "INDUSTRY")
    return tuple(out.items())


SPONSORS = _sponsors()

# --- interventions, arms, criteria
DRUG_PREFIXES = ("HLX", "SKB", "CC", "JSKN", "GC", "XJ-MK-", "AZD", "BMS-", "MK-", "LY", "PF-", "ABBV-", "RO", "TAK-")
OTHER_INTERVENTIONS = (
    ("Placebo", "DRUG"), ("Standard of care", "OTHER"), ("Exercise training", "BEHAVIORAL"),
    ("Cognitive behavioural therapy", "BEHAVIORAL"), ("Stereotactic body radiotherapy", "RADIATION"),
    ("Percutaneous endoscopic discectomy", "PROCEDURE"), ("Wearable monitoring device", "DEVICE"),
    ("Vitamin D supplement", "DIETARY_SUPPLEMENT"), ("Mesenchymal stem cells", "BIOLOGICAL"),
    ("Carboplatin", "DRUG"), ("Paclitaxel", "DRUG"), ("Pembrolizumab", "DRUG"), ("Metformin", "DRUG"),
)
ARM_TYPES = ("EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "OTHER")

INCLUSION_TEMPLATES = (
    "Diagnosis of {condition} confirmed by histology, cytology or standard clinical criteria.",
    "At least one measurable lesion per RECIST v1.1 within {n} weeks before randomization.",
    "ECOG performance status of 0 to {k} at screening.",
    "Expected survival of at least {n} weeks.",
    "Adequate organ function within {n} days before the first dose, as defined in the protocol.",
    "Failed or intolerant to at least {k} prior lines of standard therapy for {condition}.",
    "Women of childbearing potential must have a negative pregnancy test within {n} days before enrolment.",
    "Willing to use highly effective contraception from screening until {n} months after the last dose.",
    "Able to understand the study and sign the informed consent form before any study procedure.",
    "Stable dose of background medication for at least {n} weeks before screening.",
    "Body mass index between {k}8 and {n} kg/m2 at screening.",
    "Willing and able to attend all scheduled visits and follow the study procedures.",
    "Onset of symptoms no more than {n} hours before randomization.",
    "Score of at least {k} on the disease activity scale used by the study at screening.",
)
EXCLUSION_TEMPLATES = (
    "History of severe allergic reactions to monoclonal antibodies or to any component of the study drug.",
    "Active infection requiring intravenous antibiotics within {n} days before the first dose.",
    "Major surgery within {n} weeks before enrolment or planned surgery during the study.",
    "Untreated or symptomatic central nervous system metastases.",
    "Pregnant or breastfeeding women.",
    "Known HIV infection, active hepatitis B or active hepatitis C.",
    "Participation in another interventional clinical trial within {n} weeks before screening.",
    "Uncontrolled hypertension, unstable angina or heart failure of NYHA class III or IV.",
    "Serum creatinine \\>{k}.5 times the upper limit of normal at screening.",
    "Any other malignancy within {k} years, except treated skin cancer or carcinoma in situ.",
    "Live vaccine within {n} days before the first dose of study treatment.",
    "Alcohol or drug abuse within the past {k} years.",
    "Any condition that, in the judgment of the investigator, makes the participant unsuitable for the study.",
    "Use of systemic corticosteroids above {n} mg per day of prednisone or equivalent.",
)
FILLER = (
    "including", "at", "screening", "baseline", "visit", "as", "assessed", "by", "the", "investigator", "and",
    "documented", "in", "medical", "records", "within", "prior", "to", "randomisation", "per", "local",
    "guidelines", "or", "central", "laboratory", "review", "unless", "otherwise", "approved", "sponsor",
)
SUMMARY_WORDS = (
    "study", "participants", "safety", "efficacy", "dose", "treatment", "patients", "randomized", "placebo",
    "evaluate", "tolerability", "pharmacokinetics", "response", "outcome", "weeks", "months", "follow-up",
    "primary", "secondary", "endpoint", "will", "receive", "infusion", "oral", "daily", "visits", "assessed",
    "the", "of", "and", "to", "in", "with", "a", "for", "is", "are", "this", "at", "by", "each", "group",
    "clinical", "trial", "therapy", "symptoms", "quality", "life", "blood", "samples", "imaging", "scans",
)


# Rarer terms, so that free text has a registry-like vocabulary (a search index's size depends on it):
# 6,000 made-up medical-looking words, drawn with Zipf weights after the common words above.
_STEMS = ("cardi", "hepat", "nephr", "neur", "onc", "immun", "derm", "gastr", "pulmon", "hemat", "oste", "arthr",
          "endocr", "myel", "lymph", "angi", "thromb", "cyt", "fibr", "gluc", "lip", "prote", "kin", "vir")
_ENDINGS = ("itis", "osis", "emia", "ology", "otomy", "ectomy", "oma", "opathy", "ase", "ine", "ide", "ogenic",
            "al", "ic", "ous", "ium", "ogram", "oplasty", "otoxic", "ostatic", "omab", "inib", "ovir", "afil", "ium")


def _rare_words() -> tuple[str, ...]:
    rng = random.Random("ssg-bench-words-v1")
    out: dict[str, None] = {}
    while len(out) < 6000:
        out[rng.choice(_STEMS) + rng.choice(_SYLLABLES) * rng.randint(0, 1) + rng.choice(_ENDINGS)] = None
    return tuple(out)


WORDS = SUMMARY_WORDS + _rare_words()
# cumulative weights: the common words take about three quarters of the draws, the rare ones a Zipf tail
WORD_CUM_WEIGHTS = tuple(__import__("itertools").accumulate(
    [12.0] * len(SUMMARY_WORDS) + [9.0 / (k + 1) ** 0.8 for k in range(len(WORDS) - len(SUMMARY_WORDS))]))


def facility_name(city: str, index: int) -> str:
    return f"{city} {_FACILITY_KINDS[index % len(_FACILITY_KINDS)]}"
