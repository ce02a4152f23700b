"""``catalog validate-dcat``: check a DCAT-AP document offline against the project's DCAT-AP 3 rules."""

import json

import click


@click.command("validate-dcat")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["ttl", "rdf", "xml", "jsonld", "nt"]),
              help="Serialisation, when neither the Content-Type nor the extension tells.")
@click.option("--lang", type=click.Choice(["en", "id"]), default="en", show_default=True,
              help="Language of the messages: English or Indonesian.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def validate_dcat(source, fmt, lang, as_json):
    """Check the DCAT-AP document SOURCE (a file or an http(s) URL; Turtle, RDF/XML or JSON-LD).

    Prints every violation with its dataset, property and a plain message. Exit status: 0 conformant,
    1 violations found, 2 the document could not be read.
    """
    from catalog.dcat import validation

    try:
        graph = validation.load(source, {"xml": "rdf"}.get(fmt, fmt))
    except validation.UnreadableDocument as error:
        click.echo(f"{'Tidak dapat dibaca' if lang == 'id' else 'Unreadable'}: {error}", err=True)
        raise SystemExit(2) from None
    triples = len(graph)
    findings = validation.check(graph, lang)
    if as_json:
        click.echo(json.dumps({"conforms": not findings, "violations": [
            {"dataset": f.dataset, "focus": f.focus, "path": f.path, "value": f.value, "message": f.message}
            for f in findings]}, ensure_ascii=False, indent=2))
    else:
        label = "pelanggaran" if lang == "id" else "violations"
        click.echo(f"{label}: {len(findings)} ({triples} triples)")
        current = None
        for finding in findings:
            if finding.dataset != current:
                current = finding.dataset
                click.echo(f"  {current}")
            where = "" if finding.focus == finding.dataset else f"{finding.focus} "
            value = f" ({finding.value})" if finding.value else ""
            click.echo(f"    {where}{finding.path}: {finding.message}{value}")
    if findings:
        raise SystemExit(1)


COMMANDS = [validate_dcat]
