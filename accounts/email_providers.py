"""Email providers whose mail from the NIA may never arrive.

The platform warns that its mail to mainland-China providers is partly blocked by security policy,
so applicants should not use them. The list is the providers most often seen; extend as needed.
"""

MAINLAND_CHINA_DOMAINS = frozenset(
    {
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
        "189.cn",
        "wo.cn",
        "tom.com",
        "21cn.com",
    }
)


def is_mainland_china_provider(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    return domain in MAINLAND_CHINA_DOMAINS or domain.endswith(".cn")
