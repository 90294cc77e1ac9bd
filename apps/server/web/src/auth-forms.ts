// The sign-in and sign-up forms: submit with the submit button disabled, then either hand the user
// over or show the server's answer next to the fields (see form-feedback.ts).
import { type SessionUser, signIn, signUp } from './api.js';
import { clearFeedback, type FieldAliases, showFeedback, watchFields } from './form-feedback.js';

export interface AuthForms {
  readonly signIn: HTMLFormElement;
  readonly signInError: HTMLElement;
  readonly signUp: HTMLFormElement;
  readonly signUpError: HTMLElement;
}

export interface AuthHandlers {
  /** A form was submitted (e.g. to clear a page-wide message). */
  onSubmit(): void;
  onSignedIn(user: SessionUser): void;
}

const field = (data: FormData, name: string) => String(data.get(name) ?? '').trim();
const password = (data: FormData) => String(data.get('password') ?? '');

export function wireAuthForms(forms: AuthForms, handlers: AuthHandlers): void {
  async function submit(
    form: HTMLFormElement,
    message: HTMLElement,
    action: (data: FormData) => Promise<SessionUser>,
    aliases: FieldAliases = {},
  ): Promise<void> {
    const button = form.querySelector('button[type="submit"]');
    if (button instanceof HTMLButtonElement) button.disabled = true;
    handlers.onSubmit();
    try {
      const user = await action(new FormData(form));
      form.reset();
      clearFeedback(form, message);
      handlers.onSignedIn(user);
    } catch (error) {
      showFeedback(form, message, error, aliases);
    } finally {
      if (button instanceof HTMLButtonElement) button.disabled = false;
    }
  }

  watchFields(forms.signIn);
  watchFields(forms.signUp);
  forms.signIn.addEventListener('submit', (event) => {
    event.preventDefault();
    // Sign-in takes a username or an email; the server names whichever it was given.
    void submit(forms.signIn, forms.signInError, (data) => signIn(field(data, 'login'), password(data)), {
      username: 'login',
      email: 'login',
    });
  });
  forms.signUp.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(forms.signUp, forms.signUpError, (data) =>
      signUp(field(data, 'email'), field(data, 'username'), password(data)),
    );
  });
}
