"""Other organisations' guidance (data/other_guidance.csv): real, cited, and summarised in our words.

Not synthetic: the generator writes these rows as they are so that the package
is complete; a guideline team maintains them by hand. Sources: Busse et al.
BMJ 2025;388:e079970, table 1, and the guidance documents it cites.
"""

from __future__ import annotations

OTHER_GUIDANCE = (
    ("American Society of Pain and Neuroscience", 2022, "sayed2022", "epidural injections",
     "strongly in favour of epidural injections of local anaesthetic, steroids or both, by any approach, for "
     "chronic low back pain from disc disease, spinal stenosis or previous surgery"),
    ("American Society of Pain and Neuroscience", 2022, "sayed2022", "radiofrequency ablation",
     "strongly in favour of conventional or cooled lumbar radiofrequency ablation and of sacroiliac joint "
     "ablation"),
    ("American Society of Pain and Neuroscience", 2022, "sayed2022", "joint and muscle injections",
     "strongly in favour of trigger point injections and of sacroiliac joint injections for short-term relief"),
    ("American College of Occupational and Environmental Medicine", 2021, "hegmann2021", "epidural injections",
     "against lumbar epidural injections for spinal stenosis, or for chronic low back pain without important "
     "radicular symptoms"),
    ("American College of Occupational and Environmental Medicine", 2021, "hegmann2021",
     "joint injections and radiofrequency ablation",
     "against therapeutic facet joint injections, radiofrequency neurotomy, and dorsal root ganglion "
     "radiofrequency for sciatica"),
    ("American Society of Interventional Pain Physicians", 2021, "manchikanti2021", "epidural injections",
     "in favour of fluoroscopically guided epidural injections with or without steroids (caudal, interlaminar or "
     "transforaminal) for disc herniation, spinal stenosis, discogenic pain or pain after surgery"),
    ("National Institute for Health and Care Excellence", 2020, "nice2020", "spinal injections",
     "against spinal injections for low back pain"),
    ("National Institute for Health and Care Excellence", 2020, "nice2020", "radiofrequency ablation",
     "radiofrequency denervation only after a positive response to a diagnostic medial branch block"),
)


def other_guidance_rows() -> list[dict]:
    keys = ("organisation", "year", "citation", "procedures", "recommendation")
    return [dict(zip(keys, row)) for row in OTHER_GUIDANCE]
