"""Seed the fields of expertise (領域專長) and their competent authorities.

Sources: NIA instructions (research/gold-card-facts.md §1.1); the 2025 amendment brought the list to
12, adding Environment and Biotech and renaming Sport (體育 → 運動). The authorities of the two new
fields were not confirmed when this was written: staff can correct them in the admin.
"""

from django.db import migrations

FIELDS = [
    ("science-technology", "Science & technology", "科技", "NSTC",
     "National Science and Technology Council", "國家科學及技術委員會"),
    ("economy", "Economy", "經濟", "MOEA", "Ministry of Economic Affairs", "經濟部"),
    ("education", "Education", "教育", "MOE", "Ministry of Education", "教育部"),
    ("culture-arts", "Culture & arts", "文化、藝術", "MOC", "Ministry of Culture", "文化部"),
    ("sport", "Sport", "運動", "MOS", "Ministry of Sports", "運動部"),
    ("finance", "Finance", "金融", "FSC", "Financial Supervisory Commission", "金融監督管理委員會"),
    ("law", "Law", "法律", "MOJ", "Ministry of Justice", "法務部"),
    ("architecture-design", "Architecture & design", "建築設計", "MOI", "Ministry of the Interior",
     "內政部"),
    ("national-defence", "National defence", "國防", "MND", "Ministry of National Defense", "國防部"),
    ("digital", "Digital", "數位", "MODA", "Ministry of Digital Affairs", "數位發展部"),
    ("environment", "Environment", "環境", "MOENV", "Ministry of Environment", "環境部"),
    ("biotech", "Biotechnology", "生技", "MOEA", "Ministry of Economic Affairs", "經濟部"),
]


def seed(apps, schema_editor):
    FieldOfExpertise = apps.get_model("cases", "FieldOfExpertise")
    for code, name_en, name_zh, authority, authority_en, authority_zh in FIELDS:
        FieldOfExpertise.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_zh": name_zh,
                "authority_code": authority,
                "authority_name_en": authority_en,
                "authority_name_zh": authority_zh,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
