"""Catalogue metadata (DCAT-AP, with DCAT-AP-DK's choices where it differs) so that a national
data portal can harvest the process's datasets: one dataset per closed consultation with its
published responses, each file a distribution with format, media type and licence.

Controlled vocabularies are the EU Publications Office's (data themes, file types, licences,
languages), as DCAT-AP asks."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from samskab.consultations.models import Consultation

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENCES = {
    "CC0-1.0": EU + "licence/CC0",
    "CC-BY-4.0": EU + "licence/CC_BY_4_0",
}
LANGUAGES = {"da": EU + "language/DAN", "en": EU + "language/ENG"}


@dataclass(frozen=True)
class DataFile:
    """One public file of a dataset: where it is, what it is."""

    url_name: str
    file_type: str   # EU file-type code
    media_type: str  # IANA media type
    title_da: str
    title_en: str


RESPONSE_FILES = (
    DataFile("opendata:responses_csv", "CSV", "text/csv",
             "Høringssvar (CSV)", "Consultation responses (CSV)"),
    DataFile("opendata:responses_jsonl", "JSON", "application/json",
             "Høringssvar (JSON)", "Consultation responses (JSON)"),
    DataFile("opendata:release_latest", "ZIP", "application/zip",
             "Alle data om høringen (ZIP med CSV, JSON og datapakke)",
             "All data of the consultation (ZIP with CSV, JSON and data package)"),
)


def licence_uri() -> str:
    licence = settings.SAMSKAB_DATA_LICENCE
    return LICENCES.get(licence, licence)


def _absolute(path: str) -> URIRef:
    return URIRef(settings.SITE_URL.rstrip("/") + path)


def catalogue_graph() -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    catalogue = _absolute(reverse("opendata:catalogue_ttl"))
    publisher = _absolute("/#udgiver")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.SAMSKAB_PUBLISHER_NAME, lang="da")))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Samskab: åben forvaltning", lang="da")))
    graph.add((catalogue, DCTERMS.title, Literal("Samskab: open government", lang="en")))
    graph.add((catalogue, DCTERMS.description, Literal(
        "Offentlige høringer om åben forvaltning: høringssvar, som de er offentliggjort.",
        lang="da")))
    graph.add((catalogue, DCTERMS.description, Literal(
        "Public consultations on open government: responses as published.", lang="en")))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, _absolute("/")))
    graph.add((catalogue, DCTERMS.language, URIRef(LANGUAGES["da"])))
    graph.add((catalogue, DCTERMS.license, URIRef(licence_uri())))
    graph.add((catalogue, DCTERMS.modified, Literal(timezone.now().date(), datatype=XSD.date)))
    # A dataset for each consultation whose data have been released (after its deadline).
    closed = (Consultation.objects.closed().filter(data_releases__isnull=False).distinct()
              .prefetch_related("themes").order_by("-closes_at"))
    for consultation in closed:
        dataset = _absolute(reverse("consultations:detail", args=[consultation.slug])
                            + "#datasaet")
        graph.add((catalogue, DCAT.dataset, dataset))
        _dataset(graph, dataset, consultation, publisher)
    return graph


def _dataset(graph: Graph, dataset: URIRef, consultation: Consultation,
             publisher: URIRef) -> None:
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(f"samskab:{consultation.slug}")))
    graph.add((dataset, DCTERMS.title, Literal(f"Høringssvar: {consultation.title_da}",
                                               lang="da")))
    if consultation.title_en:
        graph.add((dataset, DCTERMS.title, Literal(
            f"Consultation responses: {consultation.title_en}", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        consultation.summary_da or consultation.title_da, lang="da")))
    if consultation.summary_en:
        graph.add((dataset, DCTERMS.description, Literal(consultation.summary_en, lang="en")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.issued, Literal(consultation.closes_at, datatype=XSD.dateTime)))
    graph.add((dataset, DCTERMS.modified, Literal(timezone.now().date(), datatype=XSD.date)))
    graph.add((dataset, DCAT.theme, URIRef(EU + "data-theme/GOVE")))
    graph.add((dataset, DCTERMS.language, URIRef(LANGUAGES["da"])))
    graph.add((dataset, DCAT.landingPage, _absolute(
        reverse("consultations:detail", args=[consultation.slug]))))
    # blank nodes named after the dataset: a random name (rdflib's is a uuid in hex) now and
    # then held ten digits that read as a CPR number, and the catalogue is public
    period = BNode(f"period-{consultation.slug}")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(consultation.opens_at, datatype=XSD.dateTime)))
    graph.add((period, DCAT.endDate, Literal(consultation.closes_at, datatype=XSD.dateTime)))
    for keyword in ("høring", "høringssvar", "åben forvaltning", "OGP"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="da")))
    for theme in consultation.themes.all():
        graph.add((dataset, DCAT.keyword, Literal(theme.title_da, lang="da")))
    if consultation.contact_email:
        contact = BNode(f"contact-{consultation.slug}")
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(consultation.authority or consultation.title_da)))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{consultation.contact_email}")))
    for data_file in RESPONSE_FILES:
        url = _absolute(reverse(data_file.url_name, args=[consultation.slug]))
        distribution = URIRef(f"{url}#distribution")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(data_file.title_da, lang="da")))
        graph.add((distribution, DCTERMS.title, Literal(data_file.title_en, lang="en")))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCTERMS.format, URIRef(EU + "file-type/" +
                                                        data_file.file_type)))
        graph.add((distribution, DCAT.mediaType, URIRef(
            "https://www.iana.org/assignments/media-types/" + data_file.media_type)))
        graph.add((distribution, DCTERMS.license, URIRef(licence_uri())))
