from django.db import migrations

# The items CAARUDs hand out, with the words the teams use (data: the coordinator edits them).
# (category, name, unit, description)
CATALOGUE = [
    ("injection", "Seringue 1 ml", "piece", ""),
    ("injection", "Stéribox", "kit", "2 seringues 1 ml, Stéricup, eau, tampons, préservatif"),
    ("injection", "Stéribox+", "kit", ""),
    ("injection", "Kit+", "kit", ""),
    ("injection", "Kit Exper' 1 ml", "kit", ""),
    ("injection", "Kit Exper' 2 ml", "kit", ""),
    ("injection", "Stéricup", "piece", "Cupule de chauffe stérile"),
    ("injection", "Maxicup", "piece", "Grande cupule de chauffe"),
    ("injection", "Stérifilt", "piece", "Filtre à membrane"),
    ("injection", "Eau PPI", "piece", "Eau pour préparation injectable, fiole"),
    ("injection", "Tampon alcoolisé", "piece", ""),
    ("inhalation", "Kit base", "kit", "Pipe, embouts, filtres, baume, crème"),
    ("inhalation", "Pipe (doseur)", "piece", ""),
    ("inhalation", "Pipe coudée", "piece", ""),
    ("inhalation", "Embout", "piece", "Strictement personnel"),
    ("inhalation", "Filtre / grille", "piece", ""),
    ("inhalation", "Feuilles d'aluminium", "booklet", ""),
    ("inhalation", "Baume à lèvres", "piece", ""),
    ("sniff", "Roule ta paille", "booklet", "Carnet de pailles à usage unique"),
    ("sniff", "Kit sniff", "kit", ""),
    ("sexuality", "Préservatif", "piece", ""),
    ("sexuality", "Gel lubrifiant", "piece", ""),
    ("naloxone", "Nyxoid (nasal)", "box", "Naloxone en spray nasal, 2 doses"),
    ("naloxone", "Prenoxad (intramusculaire)", "kit", "Naloxone injectable, seringue préremplie"),
    ("collection", "Collecteur DASRI", "box", "Collecteur pour le matériel usagé"),
    ("hygiene", "Kit d'hygiène", "kit", "Savon, brosse à dents, dentifrice, rasoir"),
    ("analysis", "Kit de prélèvement", "kit", "Pour un échantillon envoyé à l'analyse"),
]


def add_catalogue(apps, schema_editor):
    Item = apps.get_model("harmreduction", "Item")
    positions: dict[str, int] = {}
    for category, name, unit, description in CATALOGUE:
        positions[category] = positions.get(category, 0) + 10
        Item.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "unit": unit,
                "description": description,
                "position": positions[category],
            },
        )


class Migration(migrations.Migration):
    """The harm-reduction catalogue of the brief, as the starting data."""

    dependencies = [("harmreduction", "0002_role_groups")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
