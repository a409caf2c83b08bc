"""Generates N images (describe-images JSON) and a 10-rule policy for bench/lifecycle."""
import json
import random
import sys

n, out_images, out_policy = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(42)
NOW = 1_800_000_000
kinds = ["prod", "release", "dev", "feature", "pr", "nightly", "hotfix", "staging"]
images = []
for i in range(n):
    tags = []
    if rng.random() < 0.8:
        kind = rng.choice(kinds)
        tags.append(f"{kind}-{i}")
        if rng.random() < 0.1:
            tags.append(f"sha-{i:08x}")
    images.append({
        "imageDigest": f"sha256:{i:064x}",
        "imageTags": tags,
        "imagePushedAt": NOW - rng.randint(0, 400 * 86400),
        "imageSizeInBytes": rng.randint(10_000_000, 2_000_000_000),
    })
json.dump({"imageDetails": images}, open(out_images, "w"))

def rule(p, sel, count):
    return {"rulePriority": p, "selection": {**sel, **count}, "action": {"type": "expire"}}

keep = lambda n: {"countType": "imageCountMoreThan", "countNumber": n}
older = lambda d: {"countType": "sinceImagePushed", "countUnit": "days", "countNumber": d}
rules = [
    rule(1, {"tagStatus": "tagged", "tagPatternList": ["prod-*"]}, keep(500)),
    rule(2, {"tagStatus": "tagged", "tagPrefixList": ["release"]}, keep(200)),
    rule(3, {"tagStatus": "tagged", "tagPatternList": ["hotfix-*"]}, older(180)),
    rule(4, {"tagStatus": "tagged", "tagPatternList": ["staging-*"]}, keep(100)),
    rule(5, {"tagStatus": "tagged", "tagPatternList": ["*-*", "sha-*"]}, older(90)),
    rule(6, {"tagStatus": "tagged", "tagPrefixList": ["nightly"]}, older(14)),
    rule(7, {"tagStatus": "tagged", "tagPatternList": ["feature-*"]}, older(30)),
    rule(8, {"tagStatus": "tagged", "tagPatternList": ["pr-*"]}, older(7)),
    rule(9, {"tagStatus": "untagged"}, older(3)),
    rule(10, {"tagStatus": "any"}, keep(1000)),
]
json.dump({"rules": rules}, open(out_policy, "w"))
print(NOW)
