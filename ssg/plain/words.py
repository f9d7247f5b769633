"""Plain words for the coded values of a trial record.

Every sentence here is general explanation, never a fact about one trial:
facts come only from the record (see summary.py). Keys are the
ClinicalTrials.gov enum values that ssg.model stores.
"""

from __future__ import annotations

# What each phase is for, in one or two short sentences.
PHASE_NAMES = {
    "EARLY_PHASE1": "Early Phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
}
PHASE_EXPLAINED = {
    "EARLY_PHASE1": "Early Phase 1 studies give a very small amount of a drug to a few people.",
    "PHASE1": "Phase 1 studies test a treatment in a small group to learn about safety and dose.",
    "PHASE2": "Phase 2 studies test a treatment in more people to see if it helps and to check side effects.",
    "PHASE3": "Phase 3 studies test a treatment in a large group. They often compare it with the usual care.",
    "PHASE4": "Phase 4 studies look at a treatment after it is approved, to learn more about it.",
    "NA": "This study has no phase. Phases are mostly used for studies of drugs.",
}

STUDY_TYPE_EXPLAINED = {
    "INTERVENTIONAL": (
        "This is an interventional study.",
        "People in it get a treatment or test so that researchers can learn about it.",
    ),
    "OBSERVATIONAL": (
        "This is an observational study.",
        "Researchers watch and measure what happens to people's health.",
        "The study does not decide what treatment you get.",
    ),
    "EXPANDED_ACCESS": (
        "This is an expanded access program, not a usual study.",
        "It lets some patients get a treatment that is not yet approved.",
    ),
}

# Status: what it means for someone who wants to join.
STATUS_EXPLAINED = {
    "RECRUITING": "The study is looking for people to join now.",
    "NOT_YET_RECRUITING": "The study is not looking for people yet, but plans to soon.",
    "ENROLLING_BY_INVITATION": "The study team invites people to join. You cannot sign up on your own.",
    "ACTIVE_NOT_RECRUITING": "The study is still going on, but it is not taking new people.",
    "COMPLETED": "The study has ended. It is not taking new people.",
    "SUSPENDED": "The study is on hold for now. It is not taking new people.",
    "TERMINATED": "The study stopped early. It is not taking new people.",
    "WITHDRAWN": "The study was stopped before anyone joined.",
    "UNKNOWN": "The record does not say if the study is still going on.",
}

# What the study is for (design.primary_purpose).
PURPOSE = {
    "TREATMENT": "to treat an illness",
    "PREVENTION": "to stop an illness before it starts",
    "DIAGNOSTIC": "to find out if people have an illness",
    "SUPPORTIVE_CARE": "to help people feel better or cope with an illness or its treatment",
    "SCREENING": "to find an illness early, before signs show",
    "HEALTH_SERVICES_RESEARCH": "to learn how health care is given",
    "BASIC_SCIENCE": "to learn how the body works",
    "DEVICE_FEASIBILITY": "to try out a device in a few people",
    "ECT": "to learn how a device or process works",
}

# Intervention types: "a drug called X".
INTERVENTION_KIND = {
    "DRUG": "a drug",
    "DEVICE": "a device",
    "BIOLOGICAL": "a treatment made from living things",
    "PROCEDURE": "a procedure",
    "RADIATION": "a radiation treatment",
    "BEHAVIORAL": "a program to change habits",
    "GENETIC": "a gene treatment",
    "DIETARY_SUPPLEMENT": "a supplement",
    "COMBINATION_PRODUCT": "a combined product",
    "DIAGNOSTIC_TEST": "a test",
    "OTHER": "",
}

# Arm types: what a group gets.
ARM_KIND = {
    "EXPERIMENTAL": "the treatment being tested",
    "ACTIVE_COMPARATOR": "a known treatment, to compare with",
    "PLACEBO_COMPARATOR": "a placebo",
    "SHAM_COMPARATOR": "a sham, a fake procedure",
    "NO_INTERVENTION": "no study treatment",
    "OTHER": "",
}

ALLOCATION_EXPLAINED = {
    "RANDOMIZED": "Chance decides which group you are in, like flipping a coin. This is called randomized.",
    "NON_RANDOMIZED": "Groups are not picked by chance.",
}

MODEL_EXPLAINED = {
    "SINGLE_GROUP": "Everyone in the study is in the same group.",
    "PARALLEL": "Each group gets its own treatment at the same time.",
    "CROSSOVER": "People get one treatment and then switch to another. This is called a crossover study.",
    "FACTORIAL": "People may get one, both or none of the treatments being tested.",
    "SEQUENTIAL": "Groups start one after another.",
}

# Who does not know which treatment a person gets (design.masked_roles).
MASKED_ROLE = {
    "PARTICIPANT": "you",
    "CARE_PROVIDER": "the people who care for you",
    "INVESTIGATOR": "the study doctors",
    "OUTCOMES_ASSESSOR": "the people who check the results",
}

SEX_CAN_JOIN = {"FEMALE": "you are female", "MALE": "you are male"}
SEX_CANNOT_JOIN = {"FEMALE": "you are male", "MALE": "you are female"}
SEX_SENTENCE = {"ALL": "People of any sex can join."}  # one-sex studies: see summary._sex_sentence

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

CAN_JOIN_LEAD = "You may be able to join if"
CANNOT_JOIN_LEAD = "You cannot join if"

# Every capitalised word our own templates may write (sentence openings, phase names,
# months). Any other capitalised word in a summary must come from the record;
# tests/test_plain_corpus.py checks this on every trial.
TEMPLATE_CAPITALISED = frozenset(
    """A Ask Chance Each Early Every Everyone Give Groups Healthy It Its No One Only People Phase Phases
    Places Researchers Some The There They This We You""".split()
) | frozenset(MONTHS)
