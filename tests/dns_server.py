"""A real DNS server on 127.0.0.1 for tests: answers TXT questions from a dict over UDP, so the
domain check's lookup goes through dnspython's resolver and the network as in production."""

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rrset


class TxtServer:
    def __init__(self, records: dict[str, list[str]]):
        self.records = records  # "name.example.com" -> ["text", ...]
        self.questions: list[str] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopped.set()
        self._thread.join()
        self.socket.close()

    def _serve(self):
        while not self._stopped.is_set():
            try:
                data, client = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            self.questions.append(name)
            texts = self.records.get(name)
            if texts is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
            else:
                quoted = ['"' + text.replace('"', '\\"') + '"' for text in texts]
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted))
            self.socket.sendto(response.to_wire(), client)
