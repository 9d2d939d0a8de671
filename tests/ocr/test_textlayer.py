from __future__ import annotations

import pytest

from ocr.textlayer import looks_like_real_text
from synthetic.files import clinical_lines

REAL = [
    "\n".join(clinical_lines(seed=1, count=8)),
    "AUTORIZACIÓN PARA DIVULGAR INFORMACIÓN MÉDICA\nNombre del paciente: ____________\n"
    "Fecha de nacimiento: ___/___/_____\nAutorizo a la clínica a entregar mis registros.",
    "Patient Name: ______________________ DOB: ____/____/______\n"
    "MRN: 00123456 ........................ Phone: (555) 010-2000\nSignature: ____________",
]
GARBAGE = [
    "(cid:51)(cid:68)(cid:76)(cid:81)(cid:3)(cid:83)(cid:68)(cid:76)(cid:81)(cid:3)" * 20,
    "PatiÃ©nt reports chÃ¡st pain â€” Ã±o fever Ã©xam normal Ã³ Ã¡ Ã­ Ã¼",
    "l1|I ~~ ;; rnrn\\ Tl1e pat1ent\n#### ^^ ]]I| vvw~ 0O0 ::\ntHe Xqzt kjhg ,.;/ !!",
    "3DLQSDLQUDWHWDEOHWQRUPDOGLDEHWHV :HHNVNQRZQVRIWNQRZQGHQLHVDOOHUJLHVLPDJLQJQRUP",
    "\ufffd\ufffd\ufffd text \ufffd\ufffd with replacement \ufffd\ufffd",
    "   \n  ",
]


@pytest.mark.parametrize("text", REAL)
def test_real_text_is_trusted(text: str) -> None:
    assert looks_like_real_text(text)


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_text_layers_are_rejected(text: str) -> None:
    assert not looks_like_real_text(text)
